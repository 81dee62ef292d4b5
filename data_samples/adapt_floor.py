"""What adapting to a speaker could reach at best: the adaptation protocol's held-back parts on speakers the model TRAINED on.

    python data_samples/adapt_floor.py [CHECKPOINT] [--folds F0.pt F1.pt]

`evaluate --adapt` adapts on the first 60% of a clip and aligns a known warp of the rest. Adapting can at most make a
stranger look like a speaker the encoders learnt. This script scores the same protocol (seed 0, clips of at least 190
frames, sync offsets of `data_samples/sync_offsets.csv` removed) without adapting, on the *training* speakers' clips:
with CHECKPOINT (default: the shipped model, which trained on these very clips, tails included: "in-sample"), and with
`--folds` encoders that never saw the speaker ("out of fold", `ablate_encoders.py --fold K/2`). Each method is also
scored with each clip's own median signed error removed: what a constant per-clip error of whole frames (a sync label
one frame off) explains. Per-frame mean error over all scored frames. Developers only (needs ../shared/data/clips).
"""
import sys, argparse, warnings, numpy as np, torch
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from ablate_encoders import speaker_fold
from lipsync_nb.core import LipsyncWarning, shared_clips_dir
from lipsync_nb.data import read_sync_offsets
from lipsync_nb.evaluation import evaluation_clips, split_clip, known_warp, method_frame_map
from lipsync_nb.inference import embed_clip
from lipsync_nb.autoencoder import default_checkpoint, model_from_checkpoint
warnings.simplefilter('ignore', LipsyncWarning); torch.set_num_threads(1)

def floor_rows(model, cfg, clips, folds=(), methods=('dta', 'path'), seed:int=0) -> list[dict]:
    "Per clip: summed absolute error of each (method, encoders) on a known warp of the held-back 40%, and the same less the clip's median signed error."
    rng, rows = np.random.default_rng(seed), []
    for cd in clips:
        _, tail = split_clip(cd, 0.6)                                  # the first 60% is what adapting would read
        warped, n, truth, ok = known_warp(tail, cfg, rng)
        err = lambda fm: float(np.abs(fm[ok] - truth[ok]).sum())
        row = dict(clip=cd.name, frames=int(ok.sum()), untouched=err(method_frame_map(model, cfg, warped, n, 'untouched')))
        encoders = [('in-sample', model)] + ([('out of fold', folds[speaker_fold(cd.speaker, len(folds))])] if folds else [])
        for tag, m in encoders:
            emb = embed_clip(m, warped, cfg)
            for method in methods:
                fm = method_frame_map(m, cfg, warped, n, method, emb)
                row[f'{method}, {tag}'] = err(fm)
                row[f'{method}, {tag}, less its median offset'] = err(fm - np.median(fm[ok] - truth[ok]))
        rows.append(row)
    return rows

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('checkpoint', nargs='?', default=None); p.add_argument('--folds', nargs='*', default=[])
    a = p.parse_args()
    folder = shared_clips_dir()
    if folder is None: sys.exit("adapt_floor.py: needs ../shared/data/clips")
    model, cfg = model_from_checkpoint(a.checkpoint or default_checkpoint())
    folds = [model_from_checkpoint(f)[0] for f in a.folds]
    clips, _ = evaluation_clips(folder, cfg, 'train', progress=False, audio=False,
                                offsets=read_sync_offsets(Path(__file__).parent/'sync_offsets.csv'))
    rows = floor_rows(model, cfg, [c for c in clips if len(c.mouths) >= 190], folds)
    F = sum(r['frames'] for r in rows)
    print(f"{len(rows)} training clips of at least 190 frames, {F} scored frames (per-frame mean error)")
    for k in rows[0]:
        if k not in ('clip', 'frames'): print(f"  {k:40s} {sum(r[k] for r in rows) / F:.3f}")
