"""One row of the encoder ablation: train the `cpu` preset's encoders for a fixed time, judge them on held-out speakers.

    python data_samples/ablate_encoders.py OUT [--minutes 10] [--objective segments|windows (with --segment 25)] [--mouth-norm -1]
           [--augment base|strong] [--audio phones|mfcc|mfcc+phones] [--frontend conv3d|landmarks] [--motion] [--seed 0]
           [--context W] [--shift-loss 1] [--fold K/N] [--speaker-fraction F] [--sync-offsets CSV]

Writes OUT.pt (the best evaluation, by validation 1 s shift exact + per-frame top-5) and OUT.jsonl (every evaluation:
`sync_summary` of validation speakers and of a sample of training speakers). Needs ../shared/data/clips (developers
only). The audio front end is the package's (`--audio phones`: hama's 191 phone log-probabilities every 20 ms, what the
`cpu` preset reads). `--fold K/N` leaves the training speakers of fold K out: the encoders phase 2 learns its
distances from on clips they never saw (`data_samples/oof_phase2.py`). `--context W` gives both encoders the package's
`TemporalContext` (`Config.context_frames`; segments then carry W//2 extra frames either side, so every trained frame
has its full context); `--speaker-fraction F` trains on a fraction of the training speakers (nested subsets: the
learning curve over how much footage there is); `--shift-loss λ` adds λ × an InfoNCE over the offsets of 1 s windows of mean distance (the
SyncNet shift test the bench scores, trained directly). `--sync-offsets CSV` removes the sync offsets of that table
(`estimate_sync_offsets.py`, `read_sync_offsets`) from the clips it names: training windows pair the frames that belong
together, and the validation speakers are judged twice, against their sources' timing (`val`) and with their offsets
removed (`val_synced`, which then picks the saved checkpoint); with `--train-source-timing` the training clips keep
their sources' timing (the control run).
Threads: set OMP_NUM_THREADS; two runs side by side on two cores take one each.
"""
import argparse, hashlib, json, math, time, warnings
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from lipsync_nb.core import Config, LipsyncWarning, shared_clips_dir
from lipsync_nb.data import read_sync_offsets, clip_weights, augment_mouths, augment_points, degrade_mouths
from lipsync_nb.encoders import segment_infonce_loss, infonce_loss, sync_scores, sync_summary
from lipsync_nb.evaluation import evaluation_clips
from lipsync_nb.autoencoder import LipSyncModel
from lipsync_nb.training import save_checkpoint
from lipsync_nb.inference import embed_clip

def mouth_motion(mouths):
    "Frame differences of the mouths `(T, S, S)` uint8 at one contrast around 128 (the first frame's difference is 0)."
    m = mouths.astype(np.float32); d = np.concatenate([np.zeros_like(m[:1]), np.diff(m, axis=0)])
    return np.clip(d * (40 / (d.std() + 1e-3)) + 128, 0, 255).astype(np.uint8)

def speaker_fold(speaker:str, folds:int) -> int:
    "The fold (0…folds−1) of a training speaker: stable across runs and machines (not Python's salted hash)."
    return int(hashlib.sha1(speaker.encode()).hexdigest(), 16) % folds

def shift_loss(a, v, radius:int, temperature:float, valid, rows, window:int=25, stride:int=5):
    "InfoNCE over offsets of 1 s windows: the mean distance of `window` audio frames to the video inputs at each offset ±`radius` (the SyncNet shift test, trained)."
    B, L, _ = a.shape; W = 2 * radius + 1
    d = (a[..., None] - v.unfold(1, W, 1)[:, :L]).norm(dim=2)                 # (B, L, W)
    vm = valid.unfold(1, W, 1)[:, :L] & rows[..., None]                       # (B, L, W)
    dw, ok = d.unfold(1, window, stride).mean(-1), vm.unfold(1, window, stride).all(-1)   # (B, n, W)
    use = ok[..., radius]
    logits = (-dw / temperature).masked_fill(~ok, -1e4)[use]
    return F.cross_entropy(logits, torch.full((len(logits),), radius)) if len(logits) else d.sum() * 0

def segment(c, rng, L, K, aug, h=0):
    "Audio frames `(L + 2h, 20, F)`, the `L + 2K + 2h + 4` mouths (and points) around them, which video inputs exist, which rows count."
    n = min(len(c.audio), len(c.mouths) - 4); l = min(L, n); a = int(rng.integers(0, n - l + 1))
    j = np.arange(a - K, a + l + K); valid = (j >= 0) & (j < n)
    src = np.clip(np.arange(a - K - h, a + l + K + h + 4), 0, len(c.mouths) - 1)
    mouths, pts, au = c.mouths[src], c.points[src], c.audio[np.clip(np.arange(a - h, a + l + h), 0, len(c.audio) - 1)]
    if aug != 'none': mouths, pts = augment_mouths(mouths, rng), augment_points(pts, rng)
    if aug == 'strong': mouths = degrade_mouths(mouths, rng); au = au + rng.normal(0, rng.uniform(0, 0.2), au.shape).astype(np.float32)
    pad = L - l
    if pad and h: raise ValueError('--context needs clips at least one segment long')
    if pad:                                    # a clip shorter than the segment: padded audio rows do not count
        au = np.concatenate([au, np.zeros((pad,) + au.shape[1:], np.float32)]); valid = np.r_[valid, np.zeros(pad, bool)]
        mouths, pts = np.concatenate([mouths, np.repeat(mouths[-1:], pad, 0)]), np.concatenate([pts, np.repeat(pts[-1:], pad, 0)])
    return au, mouths, pts.astype(np.float32), valid, np.arange(L) < l

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('out'); p.add_argument('--minutes', type=float, default=10); p.add_argument('--objective', default='segments')
    p.add_argument('--mouth-norm', type=int, default=0); p.add_argument('--augment', default='base')
    p.add_argument('--audio', default='phones', help="the audio front end (Config.audio_frontend): mfcc, phones or mfcc+phones"); p.add_argument('--frontend', default='conv3d'); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--segment', type=int, default=50); p.add_argument('--radius', type=int, default=25); p.add_argument('--batch', type=int, default=8)
    p.add_argument('--motion', action='store_true', help='video input = frame differences of the mouths (motion, not appearance)')
    p.add_argument('--lr', type=float, default=1e-3); p.add_argument('--eval-every', type=int, default=300)
    p.add_argument('--context', type=int, default=0, help='Config.context_frames: odd width W ≥ 3 of a temporal convolution over each encoder\'s per-frame embeddings')
    p.add_argument('--shift-loss', type=float, default=0, help='weight of a second loss: InfoNCE over the offsets of 1 s windows of mean distance')
    p.add_argument('--shift-temperature', type=float, default=0.05)
    p.add_argument('--fold', default=None, help="K/N: train only on the training speakers outside fold K of N (out-of-fold encoders for phase 2)")
    p.add_argument('--speaker-fraction', type=float, default=1.0, help="train on this fraction of the training speakers (nested: a smaller fraction's speakers are all in a larger one's)")
    p.add_argument('--sync-offsets', default=None, help='a sync_offsets.csv: remove those clips\' offsets (training and the val_synced judgement)')
    p.add_argument('--train-source-timing', action='store_true', help='with --sync-offsets: train on the sources\' timing all the same (the control)')
    a = p.parse_args()
    if a.objective == 'windows' and (a.segment, a.radius) != (25, 25): p.error('--objective windows needs --segment 25 --radius 25')
    torch.manual_seed(a.seed); rng = np.random.default_rng(a.seed)
    cfg = Config.preset('cpu', mouth_norm=a.mouth_norm, video_frontend=a.frontend, audio_frontend=a.audio, context_frames=a.context)
    folder = shared_clips_dir(required=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', LipsyncWarning)
        offsets = read_sync_offsets(a.sync_offsets) if a.sync_offsets else None
        train, _ = evaluation_clips(folder, cfg, 'train', progress=False, audio=False, offsets=None if a.train_source_timing else offsets)
        val, _ = evaluation_clips(folder, cfg, 'val', progress=False, audio=False)
        val_synced = evaluation_clips(folder, cfg, 'val', progress=False, audio=False, offsets=offsets)[0] if offsets else None
    if a.fold:
        k, n = (int(x) for x in a.fold.split('/'))
        train = [c for c in train if speaker_fold(c.speaker, n) != k]
    if a.speaker_fraction < 1:
        train = [c for c in train if speaker_fold(c.speaker, 1000) < a.speaker_fraction * 1000]
        print(f"{len(train)} training clips of {len({c.speaker for c in train})} speakers, {sum(len(c.audio) for c in train) / 1500:.1f} min", flush=True)
    if a.motion:
        for c in train + val + (val_synced or []): c.mouths = mouth_motion(c.mouths)
    judge_train = [c for c in train if c.n_windows >= 51 and c.speaker != 'grid_s1'][::4][:30]
    w = clip_weights(train, 60.0)
    model = LipSyncModel(cfg); enc = model.encoders; h = a.context // 2
    if a.context:
        train = [c for c in train if min(len(c.audio), len(c.mouths) - 4) >= a.segment]
        w = clip_weights(train, 60.0)
    opt = torch.optim.Adam(enc.parameters(), lr=a.lr)
    video = lambda mo, pts: mo if cfg.video_frontend == 'conv3d' else pts

    def judge(cds):
        with torch.no_grad(): out = sync_summary([sync_scores(*embed_clip(model, c, cfg)) for c in cds])     # embed_clip leaves the encoders in eval mode
        enc.train(); return {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}

    L, K, B = a.segment, a.radius, a.batch
    log, best, step, losses, t0 = open(a.out + '.jsonl', 'w'), -1.0, 0, [], time.time()
    while (el := time.time() - t0) < a.minutes * 60:
        for g in opt.param_groups: g['lr'] = a.lr * min(1, (step + 1) / 100) * 0.5 * (1 + math.cos(math.pi * el / (a.minutes * 60)))
        parts = [segment(train[int(rng.choice(len(train), p=w))], rng, L, K, a.augment, h) for _ in range(B)]
        au, mo, pts, valid, rows = (torch.from_numpy(np.stack(x)) for x in zip(*parts))
        emb_a, emb_v = enc.audio(au.flatten(0, 1)).view(B, L + 2 * h, -1), enc.video(video(mo, pts))
        emb_a, emb_v = enc.in_context(emb_a, emb_v, pad=False)      # segments carry their context: full context throughout
        emb_a, emb_v = enc.unit(emb_a), enc.unit(emb_v)
        if a.objective == 'segments': loss = segment_infonce_loss(emb_a, emb_v, K, cfg.temperature, valid, rows)
        else:                         # the window loss: 25 audio frames against the 75 video inputs centred on them (no shift)
            d = torch.cdist(emb_a[:, :cfg.n_audio], emb_v[:, K - 25:K - 25 + cfg.n_video])
            loss = infonce_loss(d, torch.arange(cfg.n_audio).expand(B, -1) + 25, cfg.temperature)
        if a.shift_loss: loss = loss + a.shift_loss * shift_loss(emb_a, emb_v, K, a.shift_temperature, valid, rows)
        opt.zero_grad(); loss.backward(); nn.utils.clip_grad_norm_(enc.parameters(), 5); opt.step()
        losses.append(loss.item()); step += 1
        last = (time.time() - t0) >= a.minutes * 60
        if step % a.eval_every == 0 or last:
            row = dict(step=step, seconds=round(el), loss=float(np.mean(losses[-a.eval_every:])), val=judge(val), train=judge(judge_train))
            if val_synced: row['val_synced'] = judge(val_synced)
            print(json.dumps(row), flush=True); log.write(json.dumps(row) + '\n'); log.flush()
            pick = row.get('val_synced', row['val']); score = pick['shift_exact'] + pick['top5']
            if score > best: best = score; save_checkpoint(a.out + '.pt', model, cfg, step, 0, 1, metrics=row)

if __name__ == '__main__':
    main()
