"""Ship a trained run as the default model: python data_samples/ship_model.py RUN_DIR [--windows 512]

Writes data_samples/lipsync_cpu.pt (weights + config, no optimizer state), lipsync_cpu_metrics.jsonl (the run's
learning curve) and lipsync_cpu.md (the model card, with validation numbers measured here on held-out speakers).
Needs ../shared/data/clips (developers only).
"""
import json, sys, time, warnings
from pathlib import Path
import numpy as np, torch
from lipsync_nb.core import Config, shared_clips_dir
from lipsync_nb.training import load_checkpoint, save_checkpoint, evaluate, prepare_clips, TrainOptions
from lipsync_nb.autoencoder import LipSyncModel, count_parameters
from lipsync_nb.data import WindowDataset, make_loader
from lipsync_nb.inference import align_video, map_accuracy, DEFAULT_METHOD
from lipsync_nb.evaluation import encoder_bench
from lipsync_nb.cli import format_table

here = Path(__file__).resolve().parent

def main(run, windows=512):
    run = Path(run)
    st = load_checkpoint(run/'phase2_best.pt')
    cfg = Config.from_dict(st['config'])
    model = LipSyncModel(cfg); model.load_state_dict(st['model']); model.eval()
    out = save_checkpoint(here/'lipsync_cpu.pt', model, cfg, st['step'], st['epoch'], 2, metrics=st['metrics'])
    rows = [json.loads(l) for l in open(run/'metrics.jsonl')]
    (here/'lipsync_cpu_metrics.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in rows))
    clips = shared_clips_dir(required=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        train_clips, val_clips = prepare_clips(TrainOptions(clips=str(clips), progress=False), cfg)
    loaders = {k: make_loader(WindowDataset(val_clips, cfg, windows, warp=(k == 'per_frame'), train=False, seed=123), 32, workers=0,
                              generator=torch.Generator().manual_seed(0)) for k in ('single_shift', 'per_frame')}
    m = evaluate(model, loaders, cfg)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        bench = format_table(encoder_bench(model, cfg, clips, progress=False))
    t = time.perf_counter()
    fm = align_video(here/'obama_address.mp4', here/'obama_address_retimed.wav', checkpoint=out, progress=False)
    t_align = time.perf_counter() - t
    truth = np.array(json.loads((here/'obama_address_retimed_truth.json').read_text())['frame_map'])
    acc = map_accuracy(fm.frame_map, truth); ident = map_accuracy(np.minimum(np.arange(len(truth)), 249), truth)
    speakers = sorted({c.speaker for c in val_clips})
    p1 = [r for r in rows if r['phase'] == 1]; p2 = [r for r in rows if r['phase'] == 2]
    card = f"""# lipsync_cpu.pt — model card

The `cpu` preset of lipsync_nb (SyncNet-style 3D-conv video encoder over 48×48 mouths, 2D-conv audio encoder,
128-d unit embeddings, 3-layer 128-wide LSTM encoder and decoder with Bahdanau attention; {count_parameters(model):,}
parameters), trained on this project's 2-core CPU machine. `lipsync_nb align` uses it by default.

## Data
`../shared/data/clips`: 299 talking-face clips, 21.8 minutes, research-only footage (LRS2/LRS3, VoxCeleb2, HDTF,
MEAD, GRID, news, webcams; see that folder's README for sources and licences). Split by speaker (`clips.csv`):
{len(train_clips)} training clips; {len(val_clips)} validation clips from {len(speakers)} held-out speakers
({', '.join(speakers)}). The GRID speaker s1 (half of all audio) is capped to 60 s of sampling weight.

## Training (the training notebook's `train`)
- phase 1 (encoders, InfoNCE over the 75 video inputs, temperature 0.1, single-shift windows):
  `lipsync_nb train --preset cpu --clips ../shared/data/clips --out runs/cpu --phase 1 --epochs1 16 --workers 1 --windows-per-epoch 2048`,
  stopped after {p1[-1]['epoch'] if p1 else 0} epochs ({p1[-1]['step'] if p1 else 0} steps of 16 windows) because validation had stopped improving
  while the training loss kept falling ({p1[0]['loss']:.2f} → {p1[-1]['loss']:.2f}; chance is ln 75 = 4.32);
- phase 2 (everything, cross-entropy, per-frame warps + shifts, teacher forcing):
  `lipsync_nb train --preset cpu --clips ../shared/data/clips --out runs/cpu --phase 2 --init-from runs/cpu/phase1_used.pt --epochs2 26 --workers 1 --windows-per-epoch 2048`;
  stopped after {p2[-1]["epoch"] if p2 else 0} of 26 epochs (validation had stopped improving while the training loss fell to {p2[-1]["loss"] if p2 else 0:.2f});
  this checkpoint is the best epoch by validation exact frames (256 windows): epoch {st["epoch"]}, step {st["step"]}.
- Adam, lr 1e-3 (phase 2: 1e-4 for the pretrained encoders) with 5% warm-up and cosine decay, betas (0.9, 0.999), batch 16, gradient clipping at 5.

## Validation (held-out speakers, {windows} windows of each kind, `data_samples/ship_model.py`)
| | ours (autoencoder) | baseline on our encoders | paper (LRS2, not the same data) |
|---|---|---|---|
| single shift: mean error (frames) | {m['single_shift/shift_mean_err']:.2f} | SyncNet-style {m['single_shift/syncnet_shift_mean_err']:.2f} | 0.12 (SyncNet 0.45) |
| single shift: max error | {m['single_shift/shift_max_err']:.0f} | {m['single_shift/syncnet_shift_max_err']:.0f} | 1 (SyncNet 36) |
| single shift: top-1 | {m['single_shift/shift_exact']:.1%} | {m['single_shift/syncnet_shift_exact']:.1%} | 88% (SyncNet 60%) |
| per-frame: mean error (frames) | {m['per_frame/frame_mean_err']:.2f} | argmin {m['per_frame/argmin_frame_mean_err']:.2f} | 0.85 (modified DTA 1.94) |
| per-frame: exact frames | {m['per_frame/frame_exact']:.1%} | argmin {m['per_frame/argmin_frame_exact']:.1%} | 60% (modified DTA 25%) |

End to end on the shipped sample (`lipsync_nb align data_samples/obama_address.mp4 data_samples/obama_address_retimed.wav`,
a speaker the model did see in training): mean error {acc['mean_err']:.2f} frames, exact {acc['exact']:.1%}, within one frame
{acc['within_1']:.1%}; leaving the video untouched: mean error {ident['mean_err']:.2f}, exact {ident['exact']:.1%}. ({t_align:.1f} s.)

## The encoders alone (`lipsync_nb bench encoders`)
```
{bench}
```
(top1/top5: rank of each audio frame's own video input among the 51 within ±25 frames; shift: 1 s windows, offset
of least mean distance in ±25; dta/untouched: per-frame mean error end to end, one known warp per clip.)
`align` uses `--method {DEFAULT_METHOD}` by default.

## Limits
Twenty minutes of video is far from the paper's 96 000 LRS2 utterances: on unseen speakers the encoders are weak, and
the single-frame numbers above are far below the paper's. End to end on whole held-out clips with known warps
(`lipsync_nb evaluate --clips ../shared/data/clips --warps 2`: 27 clips of 14 unseen speakers, the evaluation
notebook), no method beats leaving the video untouched per frame, and the autoencoder is the worst of them (mean error
7.99 frames against 4.92 untouched, 5.10 for DTA and 5.25 for SyncNet on this model's embeddings; it duplicates 18% of
frames where the warps duplicated 5%); for a single shift it halves the error of doing nothing (6.4 against 13.0
frames) but SyncNet's offset on its embeddings does better (2.3). On a speaker it was trained on (the shipped sample)
it cuts the error from 25.7 to 3.7 frames — and DTA on its encoders (`--method dta`) to 1.0. Treat this model as a working default and a
teaching object; train your own on your footage (`lipsync_nb train`, the `paper` preset on a GPU) for real use.
"""
    (here/'lipsync_cpu.md').write_text(card)
    print(card)
    print('checkpoint', out, out.stat().st_size // 1024, 'KiB')

if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[sys.argv.index('--windows') + 1]) if '--windows' in sys.argv else 512)
