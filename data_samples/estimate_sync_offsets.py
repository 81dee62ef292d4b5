"""Measure each shared clip's sync offset (its own soundtrack against its video) with encoders that never saw its speaker.

    python data_samples/estimate_sync_offsets.py OUT.csv --judges A.pt B.pt … --folds FOLD0.pt FOLD1.pt [--min-offset 2] [--min-confidence 0.08]

Validation clips are judged by every checkpoint given (`--judges` and `--folds`: none of them trained on a validation
speaker); a training clip by the fold encoders that left its speaker out (`ablate_encoders.py … --fold K/N`, trained on
the other folds' speakers only; `speaker_fold` decides which). Each judge gives SyncNet's whole-clip offset
(`global_offset`, ±15 frames, every frame of the clip). The clip's offset is the judges' median where they agree
within a frame and it is at least `--min-offset` frames, else 0: offsets of ±1 frame are within what one judge's bias
and noise move (the front end's own lag among them), and a clip only changes where the evidence is plain; a clip with a
single judge also needs that judge's confidence (median − least mean distance) to reach `--min-confidence`.
Writes OUT.csv (file, speaker, split, offset, the judges' offsets and confidences) for `read_sync_offsets`.
Needs ../shared/data/clips (developers only).
"""
import argparse, csv, warnings
import numpy as np
from lipsync_nb.core import LipsyncWarning, shared_clips_dir
from lipsync_nb.autoencoder import model_from_checkpoint
from lipsync_nb.evaluation import evaluation_clips
from lipsync_nb.inference import embed_clip, global_offset
from ablate_encoders import speaker_fold

def judge(ck, split, folder):
    "file name → (offset, confidence, speaker) of one checkpoint on the clips of `split`."
    model, cfg = model_from_checkpoint(ck)
    clips, _ = evaluation_clips(folder, cfg, split, progress=False, audio=False)
    out = {}
    for c in clips:
        off, conf, _ = global_offset(*embed_clip(model, c, cfg), max_offset=15)
        out[c.name] = (off, conf, c.speaker)
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('out'); p.add_argument('--judges', nargs='*', default=[]); p.add_argument('--folds', nargs='+', required=True)
    p.add_argument('--min-offset', type=int, default=2); p.add_argument('--min-confidence', type=float, default=0.08)
    a = p.parse_args(); folder = shared_clips_dir(required=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', LipsyncWarning)
        val = {ck: judge(ck, 'val', folder) for ck in a.judges + a.folds}
        train = {ck: judge(ck, 'train', folder) for ck in a.folds}
    rows = []
    for split, per in (('val', val), ('train', train)):
        names = sorted(set.union(*(set(j) for j in per.values())))
        for name in names:
            if split == 'val': js = [per[ck][name] for ck in per if name in per[ck]]
            else:
                spk = next(per[ck][name][2] for ck in per if name in per[ck])
                js = [per[a.folds[speaker_fold(spk, len(a.folds))]][name]]
            offs = np.array([j[0] for j in js]); med = int(np.round(np.median(offs)))
            agree = np.abs(offs - med).max() <= 1 and (len(js) > 1 or js[0][1] >= a.min_confidence)
            rows.append(dict(file=name, speaker=js[0][2], split=split, offset=med if agree and abs(med) >= a.min_offset else 0,
                             judges=' '.join(f'{o:+d}' for o in offs), confidence=' '.join(f'{j[1]:.3f}' for j in js)))
    with open(a.out, 'w', newline='') as f:
        w = csv.DictWriter(f, list(rows[0])); w.writeheader(); w.writerows(rows)
    moved = [r for r in rows if r['offset']]
    print(f"{len(rows)} clips, {len(moved)} with an offset of {a.min_offset}+ frames: " + ', '.join(f"{r['file'][:30]} {r['offset']:+d}" for r in moved))

if __name__ == '__main__':
    main()
