"""The soft path's settings on the validation speakers: python data_samples/path_grid.py

Table 3's protocol (`lipsync_nb evaluate --warps 2 --seed 0`: the same clips, draws and damaged videos), each damaged
clip embedded once; then `path_align` at every (tau, prior, step-cost scale) of the grid, and DTA for scale. Prints,
per setting, the per-frame mean error over all frames and on each half of the speakers (alternate speakers, sorted by
id), and how many clips end more than half a frame worse than untouched. Needs ../shared/data/clips (developers only).
"""
import itertools, warnings, numpy as np
from lipsync_nb.core import shared_clips_dir
from lipsync_nb.evaluation import evaluation_clips, known_warp
from lipsync_nb.autoencoder import model_from_checkpoint, default_checkpoint
from lipsync_nb.inference import embed_clip, STEP_COST
from lipsync_nb.baselines import path_align, dta_align

def damaged_cases(model, cfg, clips, warps=2, seed=0):
    "Each clip's damaged copies as `evaluate` draws them: (name, speaker, n, video frames, truth, mask, audio emb, video emb)."
    rng, cases = np.random.default_rng(seed), []
    for cd in clips:
        for _ in range(warps):
            rng.integers(-cfg.max_shift, cfg.max_shift + 1)                # evaluate's single-shift draw comes first
            warped, n, truth, ok = known_warp(cd, cfg, rng)
            cases.append((cd.name, cd.speaker, n, len(warped.mouths), truth, ok, *embed_clip(model, warped, cfg)))
    return cases

def score(cases, align) -> tuple[float, float, float, int]:
    "(mean error, on speaker half 0, on half 1, clips > 0.5 worse than untouched) of `align(a, v, n, n_video) -> frame map`."
    half = {s: i % 2 for i, s in enumerate(sorted({c[1] for c in cases}))}
    err, per = np.zeros((2, 2)), {}
    for name, speaker, n, nv, truth, ok, a, v in cases:
        e = np.abs(align(a, v, n, nv)[:n][ok] - truth[ok]); u = np.abs(np.minimum(np.arange(n), nv - 1)[ok] - truth[ok])
        err[half[speaker]] += (e.sum(), ok.sum())
        p = per.setdefault(name, np.zeros(3)); p += (e.sum(), u.sum(), ok.sum())
    worse = sum(p[0] / p[2] > p[1] / p[2] + 0.5 for p in per.values())
    return err[:, 0].sum() / err[:, 1].sum(), err[0, 0] / err[0, 1], err[1, 0] / err[1, 1], worse

if __name__ == '__main__':
    warnings.simplefilter('ignore')
    model, cfg = model_from_checkpoint(default_checkpoint())
    clips, _ = evaluation_clips(shared_clips_dir(required=True), cfg, 'val', progress=False, audio=False)
    cases = damaged_cases(model, cfg, clips)
    print(f"{'setting':34s} {'error':>6s} {'half 0':>6s} {'half 1':>6s} {'worse':>5s}")
    show = lambda name, r: print(f"{name:34s} {r[0]:6.3f} {r[1]:6.3f} {r[2]:6.3f} {r[3]:5d}", flush=True)
    show('dta', score(cases, lambda a, v, n, nv: dta_align(a, v, n, nv, cfg.fps)[0]))
    for tau, prior, k in itertools.product((0.2, 0.3, 0.4), (0.05, 0.1, 0.2, 0.3), (0.5, 0.75, 1.0, 1.5)):
        sc = tuple(c * k for c in STEP_COST)
        show(f'path tau {tau} prior {prior} steps x{k}', score(cases, lambda a, v, n, nv: path_align(a, v, n, nv, 0, tau=tau, prior=prior, step_cost=sc)[0]))
