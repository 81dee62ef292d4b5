"""Training on the `tiny` preset: bad input, checkpoints that must survive failures, and DDP with gloo on 2 CPU processes."""
import os, json, errno, socket
from pathlib import Path
import numpy as np, pytest, torch
import torch.multiprocessing as mp
from lipsync_nb.core import Config, LipsyncError, data_samples_dir
from lipsync_nb import training
from lipsync_nb.training import TrainOptions, train, train_phase, prepare_clips, save_checkpoint
from lipsync_nb.autoencoder import load_checkpoint, model_from_checkpoint, LipSyncModel

cfg = Config.preset('tiny')
SAMPLE = str(data_samples_dir()/'obama_address.mp4')

def opts(tmp, **kw):
    base = dict(clips=[SAMPLE], out=str(tmp/'run'), windows_per_epoch=8, val_windows=4, workers=0, epochs=(1, 1),
                checkpoint_every=2, progress=False)
    base.update(kw); return TrainOptions(**base)

def test_no_usable_clip(tmp_path):
    (tmp_path/'clips').mkdir()
    with pytest.raises(LipsyncError, match='no video clips found'): train(cfg, opts(tmp_path, clips=str(tmp_path/'clips')))
    (tmp_path/'clips'/'notes.mp4').write_text('not a video')
    with pytest.warns(UserWarning, match='skipped'), pytest.raises(LipsyncError, match='no usable clip'):
        train(cfg, opts(tmp_path, clips=str(tmp_path/'clips')))
    with pytest.raises(LipsyncError, match='no such folder of clips'): train(cfg, opts(tmp_path, clips=str(tmp_path/'nope')))

def test_checkpoint_from_another_preset_or_format(tmp_path):
    p = save_checkpoint(tmp_path/'c.pt', LipSyncModel(cfg), cfg, step=3, epoch=0, phase=2)
    with pytest.raises(LipsyncError, match="preset 'tiny', not 'cpu'"): load_checkpoint(p, 'cpu')
    st = torch.load(p, weights_only=False); st['format'] = 99; torch.save(st, tmp_path/'old.pt')
    with pytest.raises(LipsyncError, match='format 99 is not supported'): load_checkpoint(tmp_path/'old.pt')
    torch.save({'weights': 1}, tmp_path/'foreign.pt')
    with pytest.raises(LipsyncError, match='not a lipsync_nb checkpoint'): load_checkpoint(tmp_path/'foreign.pt')
    st = torch.load(p, weights_only=False); st['model'] = LipSyncModel(Config.preset('tiny', embed_dim=8)).state_dict()
    torch.save(st, tmp_path/'mismatch.pt')
    with pytest.raises(LipsyncError, match='does not match the model'): model_from_checkpoint(tmp_path/'mismatch.pt')

def test_corrupt_checkpoint(tmp_path):
    p = save_checkpoint(tmp_path/'c.pt', LipSyncModel(cfg), cfg, step=3, epoch=0, phase=2)
    data = p.read_bytes(); (tmp_path/'cut.pt').write_bytes(data[: len(data) // 2])
    with pytest.raises(LipsyncError, match='corrupt or unreadable checkpoint'): load_checkpoint(tmp_path/'cut.pt')
    with pytest.raises(LipsyncError, match='no such checkpoint'): load_checkpoint(tmp_path/'none.pt')

def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    o = opts(tmp_path, phase='2', epochs=(1, 3), windows_per_epoch=16)
    tr, va = prepare_clips(o, cfg)
    calls = {'n': 0}
    real = torch.nn.functional.cross_entropy
    def flaky(*a, **k):
        calls['n'] += 1
        out = real(*a, **k)
        return out * float('nan') if calls['n'] == 5 else out
    monkeypatch.setattr(training.F, 'cross_entropy', flaky)
    with pytest.raises(LipsyncError, match='loss became nan at step 4'): train_phase(2, cfg, o, tr, va, LipSyncModel(cfg))
    st = load_checkpoint(Path(o.out)/'phase2.pt', 'tiny')
    assert st['step'] == 4 and all(torch.isfinite(v).all() for v in st['model'].values() if v.is_floating_point())

def test_full_disk_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    p = save_checkpoint(tmp_path/'c.pt', LipSyncModel(cfg), cfg, step=1, epoch=0, phase=2)
    before = p.read_bytes()
    def full(*a, **k): raise OSError(errno.ENOSPC, 'No space left on device')
    monkeypatch.setattr(training.torch, 'save', full)
    with pytest.raises(LipsyncError, match='disk is full.*previous checkpoint is kept'):
        save_checkpoint(p, LipSyncModel(cfg), cfg, step=2, epoch=0, phase=2)
    assert p.read_bytes() == before and [q.name for q in tmp_path.iterdir()] == ['c.pt']

def _free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close(); return port

def _ddp_worker(rank, world, port, out):
    os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank), MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    torch.set_num_threads(1)
    o = TrainOptions(clips=[SAMPLE], out=out, phase='2', windows_per_epoch=16, val_windows=4, workers=0, epochs=(1, 1),
                     checkpoint_every=100, device='cpu', progress=False)
    tr, va = prepare_clips(o, cfg)
    torch.manual_seed(0)
    m = train_phase(2, cfg, o, tr, va, LipSyncModel(cfg))
    torch.save(m.state_dict(), Path(out)/f'rank{rank}.weights')
    torch.distributed.destroy_process_group()

def test_ddp_with_gloo_on_two_cpu_processes(tmp_path):
    out = str(tmp_path/'ddp')
    Path(out).mkdir()
    mp.spawn(_ddp_worker, args=(2, _free_port(), out), nprocs=2, join=True)
    w0, w1 = torch.load(Path(out)/'rank0.weights'), torch.load(Path(out)/'rank1.weights')
    params = [k for k in w0 if 'running_' not in k and 'num_batches' not in k]   # BN statistics stay per rank
    assert all(torch.equal(w0[k], w1[k]) for k in params)              # gradients were averaged: the replicas agree
    rows = [json.loads(l) for l in open(Path(out)/'metrics.jsonl')]
    assert len(rows) == 1 and rows[0]['step'] == 16 // 2 // cfg.batch_size   # rank 0 alone wrote, each rank did half the batches
    assert load_checkpoint(Path(out)/'phase2.pt', 'tiny')['step'] == rows[0]['step']

def test_torchrun_cli_two_cpu_processes(tmp_path):
    "The documented multi-GPU command, on 2 CPU processes with gloo: `torchrun --nproc-per-node 2 lipsync_nb train …`."
    import subprocess, sys, shutil
    exe = Path(sys.executable).parent
    torchrun, cli = exe/'torchrun', exe/'lipsync_nb'
    assert torchrun.exists() and cli.exists()
    clips = tmp_path/'clips'; clips.mkdir()
    shutil.copy(SAMPLE, clips/'a.mp4')
    env = dict(os.environ, OMP_NUM_THREADS='1', LIPSYNC_DEVICE='cpu')
    r = subprocess.run([str(torchrun), '--nproc-per-node', '2', '--master-port', str(_free_port()), str(cli), 'train', '--preset', 'tiny',
                        '--clips', str(clips), '--out', str(tmp_path/'run'), '--phase', '2', '--epochs2', '1', '--windows-per-epoch', '16',
                        '--val-windows', '4', '--workers', '0', '-q'], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    rows = [json.loads(l) for l in open(tmp_path/'run'/'metrics.jsonl')]
    assert len(rows) == 1 and rows[0]['step'] == 16 // 2 // cfg.batch_size

def test_sync_offsets_are_removed_before_windows_are_drawn(tmp_path):
    "A clip whose sound is 3 frames late (offset −3) trains on audio frame i + 3 against video frame i."
    (tmp_path/'sync_offsets.csv').write_text('file,offset\nobama_address.mp4,-3\n')
    tr0, _ = prepare_clips(opts(tmp_path), cfg)
    tr1, _ = prepare_clips(opts(tmp_path, sync_offsets=str(tmp_path/'sync_offsets.csv')), cfg)
    assert np.array_equal(tr1[0].mouths, tr0[0].mouths) and np.array_equal(tr1[0].audio[0], tr0[0].audio[3])
    assert len(tr1[0].audio) == len(tr0[0].audio) - 3
