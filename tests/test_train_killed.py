"""Training killed with SIGKILL mid-epoch and resumed with `--resume` ends with exactly the weights of a run that was
never interrupted (a real process, really killed; issue: the holes a hostile user found)."""
import os, shutil, signal, subprocess, sys, time
import pytest, torch
from lipsync_nb.core import data_samples_dir
from lipsync_nb.autoencoder import load_checkpoint

def _train(clips, out, env, *extra):
    cmd = [sys.executable, '-c', 'import sys; from lipsync_nb.cli import main; sys.exit(main())', 'train', '--preset', 'tiny',
           '--clips', str(clips), '--out', str(out), '--phase', '2', '--epochs2', '3', '--windows-per-epoch', '48',
           '--val-windows', '4', '--workers', '0', '--checkpoint-every', '2', '-q', *extra]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def test_sigkill_mid_epoch_then_resume_gives_identical_weights(tmp_path):
    clips = tmp_path/'clips'; clips.mkdir(); shutil.copy(data_samples_dir()/'obama_address.mp4', clips/'a.mp4')
    env = dict(os.environ, OMP_NUM_THREADS='1', LIPSYNC_DEVICE='cpu', LIPSYNC_CACHE=str(tmp_path/'cache'))
    p = _train(clips, tmp_path/'straight', env); _, err = p.communicate(timeout=600); assert p.returncode == 0, err
    straight = load_checkpoint(tmp_path/'straight'/'phase2.pt')
    total = straight['step']
    p = _train(clips, tmp_path/'killed', env)
    ck, t0 = tmp_path/'killed'/'phase2.pt', time.time()
    while True:                                                   # wait for a checkpoint inside the first epoch, then kill
        if p.poll() is not None: pytest.fail(f'training ended before it could be killed: {p.communicate()}')
        if time.time() - t0 > 300: p.kill(); pytest.fail('no checkpoint after 300 s')
        try: step = load_checkpoint(ck)['step'] if ck.exists() else 0
        except Exception: step = 0                                # caught between writes: look again
        if 0 < step < total // 3: break
        time.sleep(0.01)
    p.send_signal(signal.SIGKILL); p.communicate(timeout=60)
    assert p.returncode == -signal.SIGKILL
    killed_at = load_checkpoint(ck)['step']
    assert 0 < killed_at < total
    p = _train(clips, tmp_path/'killed', env, '--resume'); _, err = p.communicate(timeout=600); assert p.returncode == 0, err
    resumed = load_checkpoint(ck)
    assert resumed['step'] == total
    for k, v in straight['model'].items(): assert torch.equal(v, resumed['model'][k]), k
