"""Does a hubness correction at inference help the encoders on held-out speakers? (the training lesson, after the encoder ablation)

    python data_samples/hubness.py val [train]

Per clip of the chosen speakers (../shared/data/clips, developers only), the shipped encoders' distance matrix, then the
encoder bench's per-frame rank and 1 s shift on it plain and with each video input's typical distance removed: CSLS-style
(minus alpha times its mean distance to its k nearest audio frames within ±25), or z-scored per column (and per row first).
A row constant changes neither the per-frame ranks nor the 1 s shifts, so only the columns are corrected.
"""
import sys, warnings, numpy as np, torch
from lipsync_nb.autoencoder import default_checkpoint, model_from_checkpoint
from lipsync_nb.evaluation import evaluation_clips
from lipsync_nb.inference import embed_clip
from lipsync_nb.encoders import sync_summary
from lipsync_nb.core import LipsyncWarning
warnings.simplefilter('ignore', LipsyncWarning)
model, cfg = model_from_checkpoint(default_checkpoint())
def scores(d, radius=25, window=25, stride=5):
    n = d.shape[0]
    if n < 2 * radius + window: return None
    idx = np.arange(radius, n - radius); offs = np.arange(-radius, radius + 1)
    b = d[idx[:, None], idx[:, None] + offs[None]]
    rank = (b < b[:, radius:radius + 1]).sum(1)
    cs = np.vstack([np.zeros((1, b.shape[1])), b.cumsum(0)]); starts = np.arange(0, len(idx) - window + 1, stride)
    return dict(rank=rank, shift=offs[(cs[starts + window] - cs[starts]).argmin(1)])
def variants(a, v):
    n = min(len(a), len(v)); a, v = a[:n].double(), v[:n].double()
    D = torch.cdist(a, v).numpy()
    out = {'plain': D}
    K = 25
    band = np.full_like(D, np.inf)
    for i in range(n): lo, hi = max(0, i - K), min(n, i + K + 1); band[i, lo:hi] = D[i, lo:hi]
    for k in (5, 10, 51):
        # each video input's mean distance to its k nearest audio frames within the band (CSLS's r_v)
        bs = np.sort(band, axis=0)[:k]; bs[np.isinf(bs)] = np.nan; rv = np.nanmean(bs, 0)
        for alpha in (0.5, 1.0):
            out[f'col k{k} a{alpha}'] = D - alpha * rv[None]
    # z-score each column over the band
    bb = band.copy(); bb[np.isinf(bb)] = np.nan
    mu, sd = np.nanmean(bb, 0), np.nanstd(bb, 0) + 1e-6
    out['col z'] = (D - mu[None]) / sd[None]
    # z-score rows then columns
    mr, sr = np.nanmean(bb, 1), np.nanstd(bb, 1) + 1e-6
    Z = (D - mr[:, None]) / sr[:, None]; zb = np.where(np.isinf(band), np.nan, Z)
    out['row z + col z'] = (Z - np.nanmean(zb, 0)[None]) / (np.nanstd(zb, 0)[None] + 1e-6)
    return out
for split in sys.argv[1:]:
    clips, _ = evaluation_clips('../shared/data/clips', cfg, split, progress=False, audio=False, spread=40 if split == 'train' else None)
    clips = [c for c in clips if c.n_windows >= 51]
    res = {}
    for c in clips:
        a, v = embed_clip(model, c, cfg)
        for name, D in variants(a, v).items(): res.setdefault(name, []).append(scores(D))
    for name, s in res.items():
        r = sync_summary(s); print(f"{split:5s} {name:18s} top1 {r['top1']:.3f} top5 {r['top5']:.3f} shift {r['shift_exact']:.3f} within1 {r['shift_within1']:.3f}")
