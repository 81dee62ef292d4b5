"""Adapting only the temporal contexts: the grid that chose `ADAPT_STEPS['contexts']` (the adaptation lesson's recipe 3)

    python data_samples/adapt_contexts.py train runs/fold0.pt runs/fold1.pt [--part I/N]   # the tuning set: out of fold
    python data_samples/adapt_contexts.py val [CHECKPOINT] [--part I/N]                     # the validation speakers (for the record)

The protocol of `evaluation.evaluate_adaptation` (seed 0; clips of at least 190 frames; adapt on the first 60% with its own
audio, a known drop/duplicate warp of the rest aligned; sync offsets of `data_samples/sync_offsets.csv` removed).
`train`: the training speakers' clips, each adapted and aligned by the fold encoder that never saw its speaker
(`ablate_encoders.py --fold K/2`, `speaker_fold`), so the choice is made on speakers the encoders did not learn.
For each of video / both contexts and learning rates 1e-4, 3e-4, 1e-3, one run of 400 steps is scored (DTA, soft path)
after 25, 50, 100, 200 and 400 steps. One JSON line per clip; `--part I/N` runs every N-th clip from the I-th, so two
processes share two cores (about 2 minutes a clip each for the fold encoders, 5 for the shipped model). Developers only.
"""
import sys, copy, json, warnings, numpy as np, torch
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from ablate_encoders import speaker_fold
from lipsync_nb.core import LipsyncWarning, shared_clips_dir
from lipsync_nb.adapt import context_steps
from lipsync_nb.data import read_sync_offsets
from lipsync_nb.evaluation import evaluation_clips, split_clip, known_warp, method_frame_map
from lipsync_nb.inference import embed_clip
from lipsync_nb.autoencoder import default_checkpoint, model_from_checkpoint
warnings.simplefilter('ignore', LipsyncWarning); torch.set_num_threads(1)
CHECK, LRS = (25, 50, 100, 200, 400), (1e-4, 3e-4, 1e-3)

def adapted_along(model, clip, cfg, contexts:str, lr:float, seed:int=0):
    "The model after each of `CHECK` steps of adapting its temporal contexts (`contexts`: 'video' or 'both') on `clip`, as `adapt_encoders` does."
    torch.manual_seed(seed); m = copy.deepcopy(model).cpu()
    learn, loss_of_step = context_steps(m, clip, cfg, np.random.default_rng(seed))
    if contexts == 'video': learn = list(m.encoders.video_context.parameters())
    opt = torch.optim.Adam(learn, lr=lr)
    for s in range(max(CHECK)):
        loss = loss_of_step(); opt.zero_grad(set_to_none=True); loss.backward()
        torch.nn.utils.clip_grad_norm_(learn, 5.0); opt.step()
        if s + 1 in CHECK: yield s + 1, m.eval()

if __name__ == '__main__':
    args = sys.argv[1:]; part, parts_n = 0, 1
    if '--part' in args:
        i = args.index('--part'); part, parts_n = map(int, args[i + 1].split('/')); del args[i:i + 2]
    split, cks = args[0], args[1:] or [default_checkpoint()]
    models = [model_from_checkpoint(c)[0] for c in cks]; cfg = model_from_checkpoint(cks[0])[1]
    offsets = read_sync_offsets(Path(__file__).parent/'sync_offsets.csv')
    clips, _ = evaluation_clips(shared_clips_dir(required=True), cfg, split, progress=False, audio=False, offsets=offsets)
    rng = np.random.default_rng(0)
    for ci, cd in enumerate([c for c in clips if len(c.mouths) >= 190]):
        head, tail = split_clip(cd, 0.6)
        warped, n, truth, ok = known_warp(tail, cfg, rng)                     # drawn for every clip, so parts share the warps
        if ci % parts_n != part: continue
        model = models[speaker_fold(cd.speaker, len(models))] if split == 'train' else models[0]
        err = lambda m, method, e: float(np.abs(method_frame_map(m, cfg, warped, n, method, e)[ok] - truth[ok]).mean())
        e = embed_clip(model, warped, cfg)
        row = dict(clip=cd.name, frames=int(ok.sum()), untouched=err(model, 'untouched', None), dta=err(model, 'dta', e), path=err(model, 'path', e))
        for contexts in ('video', 'both'):
            for lr in LRS:
                for steps, m in adapted_along(model, head, cfg, contexts, lr):
                    e = embed_clip(m, warped, cfg)
                    for method in ('dta', 'path'): row[f'{method} {contexts} contexts {lr:g} {steps}'] = err(m, method, e)
        print(json.dumps(row), flush=True)
