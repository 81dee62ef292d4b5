"""Test-time batch-norm statistics (AdaBN): do the encoders do better with normalization statistics of the clip they align?

    python data_samples/adabn.py [SEED ...]      # developers only: reads ../shared/data/clips (default seed 0)

Per validation clip (speaker split), a known drop/duplicate warp (evaluation.known_warp, the seed's draws), DTA's
per-frame mean error with the shipped encoders as they are and with every BatchNorm layer's running mean and variance
re-estimated on the warped clip itself (the video encoder's on its mouths, the audio encoder's on its audio frames; no
labels, nothing but the input the user gives `align`); `half`: the shipped and re-estimated statistics averaged.
"""
import sys, copy, warnings, numpy as np, torch, torch.nn as nn
from lipsync_nb.core import LipsyncWarning, shared_clips_dir
from lipsync_nb.evaluation import evaluation_clips, known_warp, method_frame_map
from lipsync_nb.inference import embed_clip
from lipsync_nb.autoencoder import default_checkpoint, model_from_checkpoint
warnings.simplefilter('ignore', LipsyncWarning)
model, cfg = model_from_checkpoint(default_checkpoint())
clips, _ = evaluation_clips(shared_clips_dir(required=True), cfg, 'val', progress=False, audio=False)
BN = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)
def adabn(model, clip, parts, mix=None):
    "A copy of `model` whose encoders `parts` carry BatchNorm statistics of `clip` (`mix`: that share of them, the rest the shipped)."
    m = copy.deepcopy(model); enc = m.encoders.eval()
    for part in parts:
        old = {}
        for name, b in getattr(enc, part).named_modules():
            if isinstance(b, BN):
                old[name] = (b.running_mean.clone(), b.running_var.clone())
                b.reset_running_stats(); b.momentum = None; b.train()
        with torch.no_grad():
            if part == 'video':
                for i in range(0, len(clip.mouths) - cfg.stack + 1, 640):
                    enc.video(torch.from_numpy(np.ascontiguousarray(clip.mouths[i:i + 640 + cfg.stack - 1]))[None])
            else:
                enc.audio(torch.from_numpy(np.ascontiguousarray(clip.audio)))
        if mix is not None:
            for name, b in getattr(enc, part).named_modules():
                if isinstance(b, BN):
                    b.running_mean.mul_(mix).add_((1 - mix) * old[name][0]); b.running_var.mul_(mix).add_((1 - mix) * old[name][1])
    return m.eval()

def dta_error(m, warped, n, truth, ok):
    fm = method_frame_map(m, cfg, warped, n, 'dta', embed_clip(m, warped, cfg))
    return float(np.abs(fm[ok] - truth[ok]).mean())

for seed in [int(x) for x in sys.argv[1:]] or [0]:
    rng, errors, w = np.random.default_rng(seed), {}, []
    for cd in clips:
        warped, n, truth, ok = known_warp(cd, cfg, rng)
        for k, m in (('plain', model), ('video', adabn(model, warped, ['video'])), ('video and audio', adabn(model, warped, ['video', 'audio'])),
                     ('video, half', adabn(model, warped, ['video'], 0.5))):
            errors.setdefault(k, []).append(dta_error(m, warped, n, truth, ok))
        w.append(ok.sum())
    print(f'seed {seed}, {len(w)} clips, {int(sum(w))} frames: DTA per-frame mean error (clips better / worse than plain)')
    for k, e in errors.items():
        print(f"  {k:16s} {np.average(e, weights=w):.3f}  ({sum(x < y for x, y in zip(e, errors['plain']))} / {sum(x > y for x, y in zip(e, errors['plain']))})")
