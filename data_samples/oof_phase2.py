"""Phase 2 on realistic distances: train the autoencoder on distance matrices from encoders that never saw the speaker.

    python data_samples/oof_phase2.py OUT --init CKPT --fold-encoders F0.pt F1.pt [--minutes 20] [--copies 3] [--seed 0]
           [--autoencoder-from CKPT2] [--sync-offsets CSV]

`F{k}.pt` are encoders trained without the training speakers of fold k (`ablate_encoders.py --fold k/N`). Each
training clip is warped `--copies` times (random drop/duplicate warps, as `evaluate` draws them) and embedded by the
encoders of its own fold, which never saw its speaker: the distances the decoder learns from are as poor as the ones
it meets on a stranger. The encoders stay frozen; only the autoencoder learns (cross-entropy, teacher forcing). It is
`--free-running` of the batches are decoded from the decoder's own choices, as at
inference, so that it cannot lean on being told the previous frame. It is judged every `--eval-every` steps on the validation speakers' windows, embedded by `CKPT`'s encoders (the ones `align`
runs), and OUT.pt keeps `CKPT`'s encoders with the best autoencoder. `--sync-offsets CSV` removes the clips' own sync
offsets first (`read_sync_offsets`), so that warps start from clips in sync. Needs ../shared/data/clips (developers only).
"""
import argparse, json, math, time, warnings, sys
from pathlib import Path
import numpy as np, torch, torch.nn.functional as F
from lipsync_nb.core import LipsyncWarning, shared_clips_dir
from lipsync_nb.data import clip_weights, read_sync_offsets
from lipsync_nb.evaluation import evaluation_clips, warp_clip
from lipsync_nb.inference import embed_clip
from lipsync_nb.autoencoder import model_from_checkpoint, load_checkpoint
from lipsync_nb.training import save_checkpoint
from lipsync_nb.warping import random_frame_map, warp_targets, shift_range
sys.path.insert(0, str(Path(__file__).parent))
from ablate_encoders import speaker_fold

def warped_embeddings(model, cfg, clips, copies:int, rng) -> list[tuple]:
    "(audio embeddings, video-input embeddings, truth) of `copies` random warps of each clip, as `evaluate` makes them."
    out = []
    for cd in clips:
        n = min(len(cd.audio), len(cd.mouths) - cfg.stack + 1)
        for _ in range(copies):
            fmap = random_frame_map(n + 30, rng); truth = warp_targets(fmap, n)
            out.append((*embed_clip(model, warp_clip(cd, fmap), cfg), truth))
    return out

def sample_window(item, rng, cfg):
    "One window of a warped clip: distances `(25, 75)` and in-window targets `(25,)`, at a random shift that keeps every target inside."
    a, v, truth = item; pad = (cfg.n_video - cfg.n_audio) // 2
    last = int(np.flatnonzero(truth >= 0).max(initial=-1)) - cfg.n_audio + 1
    st = int(rng.integers(0, max(1, last + 1)))
    lo, hi = shift_range(truth, st, cfg.n_audio, cfg.n_video, cfg.max_shift)
    s = int(rng.integers(lo, hi + 1)) if lo <= hi else 0
    v0 = st - pad + s; vi = np.clip(np.arange(v0, v0 + cfg.n_video), 0, len(v) - 1)
    d = torch.cdist(a[st:st + cfg.n_audio].float(), v[vi].float())
    return d, torch.from_numpy(np.clip(truth[st:st + cfg.n_audio] - v0, 0, cfg.n_video - 1))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('out'); p.add_argument('--init', required=True); p.add_argument('--fold-encoders', nargs='+', required=True)
    p.add_argument('--minutes', type=float, default=20); p.add_argument('--copies', type=int, default=3)
    p.add_argument('--batch', type=int, default=32); p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--eval-every', type=int, default=250); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--sync-offsets', default=None, help="a sync_offsets.csv: remove the clips' own sync offsets first")
    p.add_argument('--fresh', action='store_true', help="start the autoencoder from scratch instead of CKPT's")
    p.add_argument('--autoencoder-from', default=None, help="start the autoencoder from this checkpoint's (e.g. the shipped model's) instead of CKPT's")
    p.add_argument('--free-running', type=float, default=0.5,
                   help="share of batches decoded from the decoder's own previous choices instead of the true ones (teacher forcing)")
    a = p.parse_args()
    torch.manual_seed(a.seed); rng = np.random.default_rng(a.seed)
    model, cfg = model_from_checkpoint(a.init)
    if a.autoencoder_from:                   # CKPT's encoders (phase 1 alone), another model's autoencoder
        src = load_checkpoint(a.autoencoder_from)['model']
        model.autoencoder.load_state_dict({k[len('autoencoder.'):]: v for k, v in src.items() if k.startswith('autoencoder.')})
    folds = [model_from_checkpoint(f)[0] for f in a.fold_encoders]
    folder = shared_clips_dir(required=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', LipsyncWarning)
        offsets = read_sync_offsets(a.sync_offsets) if a.sync_offsets else None
        train, _ = evaluation_clips(folder, cfg, 'train', progress=False, audio=False, offsets=offsets)
        val, _ = evaluation_clips(folder, cfg, 'val', progress=False, audio=False, offsets=offsets)
    t0 = time.time()
    items, weights = [], []
    w = clip_weights(train, 60.0)
    for cd, wt in zip(train, w):
        enc = folds[speaker_fold(cd.speaker, len(folds))]
        items += warped_embeddings(enc, cfg, [cd], a.copies, rng); weights += [wt / a.copies] * a.copies
    val_items = warped_embeddings(model, cfg, val, 2, np.random.default_rng(1))
    vrng = np.random.default_rng(2); val_windows = [sample_window(val_items[int(vrng.integers(len(val_items)))], vrng, cfg) for _ in range(512)]
    vd, vt = torch.stack([d for d, _ in val_windows]), torch.stack([t for _, t in val_windows])
    print(json.dumps(dict(embedded=len(items), val_windows=len(val_windows), seconds=round(time.time() - t0))), flush=True)
    weights = np.array(weights) / np.sum(weights)
    ae = model.autoencoder
    if a.fresh:
        from lipsync_nb.autoencoder import TemporalAutoencoder
        ae = model.autoencoder = TemporalAutoencoder(cfg)
    opt = torch.optim.Adam(ae.parameters(), lr=a.lr, betas=cfg.betas)

    @torch.no_grad()
    def judge():
        ae.eval(); logits, _ = ae(vd); ae.train()
        idx = logits.argmax(-1); err = (idx - vt).abs().float()
        return dict(val_exact=round(float((err == 0).float().mean()), 4), val_err=round(float(err.mean()), 3),
                    val_loss=round(float(F.cross_entropy(logits.flatten(0, 1), vt.flatten())), 4))
    log, best, step, losses, t1 = open(a.out + '.jsonl', 'w'), None, 0, [], time.time()
    row = dict(step=0, **judge()); print(json.dumps(row), flush=True); log.write(json.dumps(row) + '\n')
    ae.train()
    while (el := time.time() - t1) < a.minutes * 60:
        for g in opt.param_groups: g['lr'] = a.lr * min(1, (step + 1) / 100) * 0.5 * (1 + math.cos(math.pi * el / (a.minutes * 60)))
        batch = [sample_window(items[int(rng.choice(len(items), p=weights))], rng, cfg) for _ in range(a.batch)]
        d, t = torch.stack([x for x, _ in batch]), torch.stack([y for _, y in batch])
        logits, _ = ae(d, None if rng.random() < a.free_running else t)
        loss = F.cross_entropy(logits.flatten(0, 1), t.flatten())
        opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(ae.parameters(), 5); opt.step()
        losses.append(loss.item()); step += 1
        if step % a.eval_every == 0 or time.time() - t1 >= a.minutes * 60:
            row = dict(step=step, seconds=round(time.time() - t1), loss=round(float(np.mean(losses[-a.eval_every:])), 4), **judge())
            print(json.dumps(row), flush=True); log.write(json.dumps(row) + '\n'); log.flush()
            if best is None or row['val_loss'] < best:
                best = row['val_loss']; save_checkpoint(a.out + '.pt', model, cfg, step, 0, 2, metrics=row)

if __name__ == '__main__':
    main()
