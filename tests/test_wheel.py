"""`pip install` of a built wheel (not an editable checkout) runs the README's main job from any folder: the default
checkpoint and the sample are package data of `lipsync_nb`."""
import json, os, shutil, subprocess, sys, sysconfig
from pathlib import Path
import numpy as np
from lipsync_nb.core import repo_root
from lipsync_nb.inference import map_accuracy

def test_built_wheel_aligns_the_sample_from_a_temp_folder(tmp_path):
    src = tmp_path/'src'; src.mkdir()
    for f in ('setup.py', 'settings.ini', 'pyproject.toml', 'README.md'): shutil.copy(repo_root()/f, src/f)
    for d in ('lipsync_nb', 'data_samples'):
        shutil.copytree(repo_root()/d, src/d, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
    run = lambda *cmd, **kw: subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)
    run(sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(tmp_path/'dist'), str(src))
    wheel = next((tmp_path/'dist').glob('lipsync_nb-*.whl'))
    venv = tmp_path/'venv'
    run(sys.executable, '-m', 'venv', '--without-pip', str(venv))
    py = venv/'bin'/'python'
    run(sys.executable, '-m', 'pip', '--python', str(py), 'install', '-q', '--no-deps', '--no-index', str(wheel))
    site = Path(run(str(py), '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])').stdout.strip())
    (site/'deps.pth').write_text(sysconfig.get_paths()['purelib'] + '\n')   # the dependencies: this environment's, after the wheel
    work = tmp_path/'elsewhere'; work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != 'LIPSYNC_DATA_SAMPLES'}
    where = run(str(py), '-c', 'import lipsync_nb, lipsync_nb.core as c; print(lipsync_nb.__file__); print(c.data_samples_dir())',
                cwd=work, env=env).stdout.split()
    assert all(str(venv) in w for w in where), where                       # the installed copy, not the checkout
    d = Path(where[1])
    out = work/'fixed.mp4'
    run(str(venv/'bin'/'lipsync_nb'), 'align', str(d/'obama_address.mp4'), str(d/'obama_address_retimed.wav'),
        '-o', str(out), '--map', str(work/'map.json'), '-q', cwd=work, env=env)
    assert out.stat().st_size > 10_000
    truth = np.array(json.loads((d/'obama_address_retimed_truth.json').read_text())['frame_map'])
    fm = np.array(json.loads((work/'map.json').read_text())['frame_map'])
    assert map_accuracy(fm, truth)['mean_err'] < 0.5 * map_accuracy(np.arange(len(truth)), truth)['mean_err']
