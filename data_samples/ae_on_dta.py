"""Does the autoencoder add anything to DTA? Its windows centred on DTA's own path, decoded softly with a pull toward it.

    python data_samples/ae_on_dta.py val [CHECKPOINT]                              # validation speakers, the shipped model
    python data_samples/ae_on_dta.py train [CHECKPOINT] --folds F0.pt F1.pt       # every 4th training clip, out of fold

Issue 14's third lever ("pre-align with DTA's path"): instead of the gated global offset's line, each 25-frame window of
the autoencoder is centred on where DTA's path puts its middle audio frame, and the soft decoding (`soft_path`) keeps its
band around DTA's path with a `prior` per frame off it (0 = the autoencoder alone inside the band; 2 = what `align` uses
around its anchor). If the autoencoder's probabilities carried timing that DTA misses, some pull would beat DTA.
Two known drop/duplicate warps per clip (seed 0), sync offsets removed; `train` embeds each clip with the fold encoder that
never saw its speaker (the autoencoder is CHECKPOINT's). Per-frame mean error, and clip-warps better / worse than DTA.
Developers only (needs ../shared/data/clips).
"""
import sys, argparse, warnings, numpy as np, torch
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from ablate_encoders import speaker_fold
from lipsync_nb.core import LipsyncWarning, shared_clips_dir
from lipsync_nb.data import read_sync_offsets
from lipsync_nb.evaluation import evaluation_clips, known_warp
from lipsync_nb.inference import embed_clip, window_starts, predict_windows_from_embeddings, soft_path, finalize_path
from lipsync_nb.baselines import dta_align
from lipsync_nb.autoencoder import default_checkpoint, model_from_checkpoint
warnings.simplefilter('ignore', LipsyncWarning); torch.set_num_threads(1)
PRIORS = (0.0, 0.1, 0.3, 1.0, 2.0)

def ae_on_dta_rows(model, cfg, clips, encoders_of=None, warps:int=2, seed:int=0) -> list[dict]:
    "Per clip-warp: summed absolute error of DTA and of the autoencoder around DTA's path at each of `PRIORS`."
    rng, rows = np.random.default_rng(seed), []
    for _ in range(warps):
        for cd in clips:
            warped, n, truth, ok = known_warp(cd, cfg, rng)
            a, v = embed_clip(encoders_of(cd) if encoders_of else model, warped, cfg); n_video, n_audio = len(warped.mouths), len(warped.audio)
            err = lambda fm: float(np.abs(np.asarray(fm)[:n][ok] - truth[ok]).sum())
            line = dta_align(a, v, len(a), n_video, cfg.fps)[0]
            row = dict(clip=cd.name, frames=int(ok.sum()), dta=err(line))
            # `align.autoencoder_path` with this line as its anchor, but the windows are decoded once for every prior
            mid = np.minimum(np.array(window_starts(n_audio, cfg.n_audio)) + cfg.n_audio // 2, len(a) - 1)
            _, mats = predict_windows_from_embeddings(model, a, v, cfg, line[mid] - mid, device='cpu', progress=False)
            for prior in PRIORS:
                raw, _ = soft_path(mats, n_audio, len(v), line[:n_audio], 60, prior=prior)
                row[f'autoencoder around DTA, prior {prior:g}'] = err(finalize_path(raw, n, n_video))
            rows.append(row)
    return rows

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('split', choices=('val', 'train')); p.add_argument('checkpoint', nargs='?', default=None)
    p.add_argument('--folds', nargs='*', default=[])
    a = p.parse_args()
    folder = shared_clips_dir()
    if folder is None: sys.exit("ae_on_dta.py: needs ../shared/data/clips")
    model, cfg = model_from_checkpoint(a.checkpoint or default_checkpoint())
    folds = [model_from_checkpoint(f)[0] for f in a.folds]
    clips, _ = evaluation_clips(folder, cfg, a.split, progress=False, audio=False,
                                offsets=read_sync_offsets(Path(__file__).parent/'sync_offsets.csv'))
    if a.split == 'train': clips = clips[::4]
    rows = ae_on_dta_rows(model, cfg, clips, (lambda cd: folds[speaker_fold(cd.speaker, len(folds))]) if folds else None)
    F = sum(r['frames'] for r in rows)
    print(f"{a.split}: {len(clips)} clips, {len(rows)} clip-warps, {F} scored frames (per-frame mean error)")
    for k in [k for k in rows[0] if k not in ('clip', 'frames')]:
        better = sum(r[k] < r['dta'] - 1e-9 for r in rows); worse = sum(r[k] > r['dta'] + 1e-9 for r in rows)
        print(f"  {k:34s} {sum(r[k] for r in rows) / F:.3f}   better than DTA on {better}, worse on {worse}")
