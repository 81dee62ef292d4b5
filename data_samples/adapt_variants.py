"""More ways to adapt to the speaker on screen, measured like `evaluate --adapt` (the adaptation lesson's second table)

    python data_samples/adapt_variants.py [--limit N] [VARIANT ...]    # default: all variants, all clips; developers only
    python data_samples/adapt_variants.py --training-clips             # the floor: the shipped encoders on frames they trained on

It reads ../shared/data/clips; all variants on all 13 clips take about 40 minutes on two cores.

The protocol of `evaluation.evaluate_adaptation` (seed 0; the validation speakers' clips of at least 190 frames: adapt on
the first 60% with its own audio, align a known drop/duplicate warp of the rest), DTA's per-frame mean error. Variants:
- `shipped`, `adapted`: the shipped encoders, and `adapt_encoders` with the whole video encoder learning (recipe 2,
  `parts='video'`, the default before the temporal contexts: `adapt_contexts.py` measures those);
- `ensemble`: DTA on the shipped and the adapted encoders' distances together (the embeddings side by side);
- `self_video`, `self_both`: self-training on the new audio: the adapted encoders' DTA path pairs each audio frame with
  a video frame; the video re-timed by that path is taken as synchronized and adapted on for 20 more steps (the video
  encoder; both encoders);
- `no_augment`, `no_damage`: adaptation without the training recipe's geometric/brightness augmentation and camera/codec
  damage (neither; only the damage dropped), since the held-back part comes from the same camera;
- `lr3e-4`: adaptation at three times the learning rate;
- `audio_bn_shipped`: the default adaptation with the audio encoder's BatchNorm statistics put back as shipped (its
  weights do not learn, but `adapt_encoders` runs both encoders in training mode, so its statistics follow the clip's voice).
`--training-clips`: no adaptation; the shipped encoders' DTA on known warps of the last 40% of 40 training clips, evenly
spread (those of at least 190 frames), frames the encoders were trained on: what training on a speaker gives.
"""
import sys, copy, json, warnings, numpy as np, torch
import lipsync_nb.adapt as adapt
from lipsync_nb.core import LipsyncWarning, shared_clips_dir
from lipsync_nb.evaluation import evaluation_clips, split_clip, known_warp, method_frame_map
from lipsync_nb.inference import embed_clip
from lipsync_nb.data import ClipData
from lipsync_nb.autoencoder import default_checkpoint, model_from_checkpoint
warnings.simplefilter('ignore', LipsyncWarning)
ALL = ['shipped', 'adapted', 'ensemble', 'self_video', 'self_both', 'no_augment', 'no_damage', 'lr3e-4', 'audio_bn_shipped']
args = sys.argv[1:]
limit = int(args.pop(args.index('--limit') + 1)) if '--limit' in args else None
if limit is not None: args.remove('--limit')
training_clips = '--training-clips' in args
if training_clips: args.remove('--training-clips')
chosen = args or ALL
if unknown := set(chosen) - set(ALL): sys.exit(f"unknown variants {sorted(unknown)}: choose from {ALL}")
model, cfg = model_from_checkpoint(default_checkpoint())
if training_clips:
    clips, _ = evaluation_clips(shared_clips_dir(required=True), cfg, 'train', progress=False, audio=False, spread=40)
    rng, errors, w = np.random.default_rng(1), [], []
    for cd in [c for c in clips if len(c.mouths) >= 190]:
        warped, n, truth, ok = known_warp(split_clip(cd, 0.6)[1], cfg, rng)
        fm = method_frame_map(model, cfg, warped, n, 'dta')
        errors.append(float(np.abs(fm[ok] - truth[ok]).mean())); w.append(ok.sum())
    print(f"{len(errors)} training clips: DTA per-frame mean error {np.average(errors, weights=w):.2f}; per clip "
          + ' '.join(f'{e:.2f}' for e in sorted(errors)))
    sys.exit()
clips, _ = evaluation_clips(shared_clips_dir(required=True), cfg, 'val', progress=False, audio=False)
clips = [c for c in clips if len(c.mouths) >= 190][:limit]
keep = lambda m, rng: m
recipe = adapt.augment_mouths, adapt.degrade_mouths         # the training recipe's, as adapt_encoders uses them
recipes = {'no_augment': (keep, keep, 1e-4), 'no_damage': (recipe[0], keep, 1e-4), 'lr3e-4': (*recipe, 3e-4)}

def dta(emb, clip, n): return method_frame_map(None, cfg, clip, n, 'dta', emb)       # as evaluate_adaptation scores it

def retimed(clip, frame_map, n):
    "The video re-timed by `frame_map` under its first `n` audio frames, as a synchronized clip."
    idx = np.clip(np.r_[frame_map[:n], frame_map[n - 1] + np.arange(1, cfg.stack)], 0, len(clip.mouths) - 1)
    return ClipData(clip.name, clip.mouths[idx], clip.audio[:n], clip.speaker, None if clip.points is None else clip.points[idx])

rng, rows = np.random.default_rng(0), []
for cd in clips:
    head, tail = split_clip(cd, 0.6)
    warped, n, truth, ok = known_warp(tail, cfg, rng)                    # the same draws as evaluate_adaptation
    error = lambda fm: float(np.abs(fm[ok] - truth[ok]).mean())
    row = dict(clip=cd.name, frames=int(ok.sum()))
    shipped = embed_clip(model, warped, cfg)
    adapted_model, _ = adapt.adapt_encoders(model, head, cfg, 600, progress=False, parts='video')
    adapted = embed_clip(adapted_model, warped, cfg); path = dta(adapted, warped, n)
    if 'shipped' in chosen: row['shipped'] = error(dta(shipped, warped, n))
    if 'adapted' in chosen: row['adapted'] = error(path)
    if 'audio_bn_shipped' in chosen:
        m = copy.deepcopy(adapted_model); m.encoders.audio.load_state_dict(model.encoders.audio.state_dict())
        row['audio_bn_shipped'] = error(dta(embed_clip(m, warped, cfg), warped, n))
    if 'ensemble' in chosen: row['ensemble'] = error(dta((torch.cat([shipped[0], adapted[0]], 1), torch.cat([shipped[1], adapted[1]], 1)), warped, n))
    for parts in ('video', 'both'):
        if f'self_{parts}' not in chosen: continue
        m, _ = adapt.adapt_encoders(adapted_model, retimed(warped, path, n), cfg, 600, max_steps=20, progress=False, parts=parts)
        row[f'self_{parts}'] = error(dta(embed_clip(m, warped, cfg), warped, n))
    for k, (augment, damage, lr) in recipes.items():
        if k not in chosen: continue
        adapt.augment_mouths, adapt.degrade_mouths = augment, damage
        try: m, _ = adapt.adapt_encoders(model, head, cfg, 600, lr=lr, progress=False, parts='video')
        finally: adapt.augment_mouths, adapt.degrade_mouths = recipe
        row[k] = error(dta(embed_clip(m, warped, cfg), warped, n))
    rows.append(row); print(json.dumps(row), flush=True)
w = np.array([r['frames'] for r in rows], float)
cols = [k for k in rows[0] if k not in ('clip', 'frames')]
print(f"{len(rows)} clips, {int(w.sum())} held-back frames; DTA per-frame mean error (clips better than adapted):")
for k in cols:
    better = sum(r[k] < r['adapted'] for r in rows) if 'adapted' in rows[0] else '-'
    print(f"  {k:16s} {np.average([r[k] for r in rows], weights=w):.2f}  ({better})")
