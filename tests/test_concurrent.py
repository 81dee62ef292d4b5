"""Concurrent `align` runs: into different outputs they give identical maps; into one output they leave one whole
file from one run, never a mix, and no temporaries (issue: the holes a hostile user found)."""
import json, os, subprocess, sys
import numpy as np
from lipsync_nb.core import data_samples_dir
from lipsync_nb.media import probe, read_frames

def _start(work, env, out, mp):
    d = data_samples_dir()
    cmd = [sys.executable, '-c', 'import sys; from lipsync_nb.cli import main; sys.exit(main())', 'align',
           str(d/'obama_address.mp4'), str(d/'obama_address_retimed.wav'), '-o', out, '--map', mp, '-q', '-y']
    return subprocess.Popen(cmd, cwd=work, env=dict(env, OMP_NUM_THREADS='1'), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def test_four_runs_into_different_outputs_agree(tmp_path):
    env = dict(os.environ, LIPSYNC_CACHE=str(tmp_path/'cache'))                     # a cold cache, filled by all four at once
    runs = [_start(tmp_path, env, f'out{k}.mp4', f'out{k}.json') for k in range(4)]
    for p in runs:
        _, err = p.communicate(timeout=600); assert p.returncode == 0, err
    maps = [json.loads((tmp_path/f'out{k}.json').read_text())['frame_map'] for k in range(4)]
    assert all(m == maps[0] for m in maps)
    assert len({len(read_frames(tmp_path/f'out{k}.mp4', max_side=32)) for k in range(4)}) == 1
    assert not list(tmp_path.glob('.*.tmp'))

def test_two_runs_into_one_output_leave_one_whole_file(tmp_path):
    env = dict(os.environ, LIPSYNC_CACHE=str(tmp_path/'cache'))
    runs = [_start(tmp_path, env, 'out.mp4', 'out.json') for _ in range(2)]
    for p in runs:
        _, err = p.communicate(timeout=600); assert p.returncode == 0, err
    fm = json.loads((tmp_path/'out.json').read_text())['frame_map']
    frames = read_frames(tmp_path/'out.mp4', max_side=64)
    assert abs(len(frames) - len(fm)) <= 1                        # the whole video, decodable end to end
    assert probe(tmp_path/'out.mp4').has_audio
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ['out.json', 'out.mp4']   # no temporaries, no strays
