"""Every command's options are checked before any work, by one rule (an output is never an input, a directory, or
another output; an existing output needs -y; numbers in range; the device exists): exit status 2, one stderr line
`error: ...` naming the file or the option, no traceback, every file in the folder unchanged and nothing added."""
import hashlib, os, shutil
import pytest, torch
from lipsync_nb.core import data_samples_dir
from lipsync_nb.cli import main

def _tree(d):
    return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob('*')) if p.is_file()}

@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.setenv('LIPSYNC_CACHE', str(tmp_path.parent/(tmp_path.name + '_cache')))
    d = data_samples_dir()
    for f in ('obama_address.mp4', 'obama_address_retimed.wav', 'obama_address_retimed_truth.json', 'lipsync_cpu.pt'):
        shutil.copy(d/f, tmp_path/f)
    (tmp_path/'outdir').mkdir(); (tmp_path/'old.npz').write_bytes(b'an earlier output')
    (tmp_path/'outdir'/'phase2_best.pt').write_bytes(b'an earlier run')             # a run folder with a checkpoint
    (tmp_path/'notes.json').write_text('not json {')
    os.link(tmp_path/'obama_address.mp4', tmp_path/'hardlink.mp4')
    monkeypatch.chdir(tmp_path)
    return tmp_path

V, A, T, C = 'obama_address.mp4', 'obama_address_retimed.wav', 'obama_address_retimed_truth.json', 'lipsync_cpu.pt'
CASES = [
    (['align', V, A, '--truth', T, '--map', T, '-y'], T, 'same as an input'),
    (['align', V, A, '--checkpoint', C, '-o', C, '-y'], C, 'same as an input'),
    (['align', V, A, '-o', 'hardlink.mp4', '-y'], 'hardlink.mp4', 'same as an input'),
    (['align', V, A, '-o', V, '-y'], V, 'same as an input'),
    (['align', V, A, '--map', 'outdir'], 'outdir', 'is a directory'),
    (['align', V, A, '-o', 'outdir', '-y'], 'outdir', 'is a directory'),
    (['align', V, A, '-o', 'x.mp4', '--map', 'x.mp4'], 'x.mp4', 'the same file'),
    (['align', V, A, '--map', 'old.npz'], 'old.npz', 'use -y'),
    (['align', V, A, '--fps', 'abc'], '--fps', 'not a number'),
    (['align', V, A, '--fps', 'nan'], '--fps', 'from 1 to 240'),
    (['align', V, A, '--fps', 'inf'], '--fps', 'from 1 to 240'),
    (['align', V, A, '--fps', '1e6'], '--fps', 'from 1 to 240'),
    (['align', V, A, '--max-offset', '-3'], '--max-offset', 'from 0 to 1500'),
    (['align', V, A, '--truth', 'missing.json'], 'missing.json', 'no such file'),
    (['align', V, A, '--truth', 'notes.json'], 'notes.json', 'not JSON'),
    (['align', V, A, '--truth', C], C, 'not JSON'),
    (['align', V, A, '--device', 'bogus'], '--device', 'unknown device'),
    (['align', V, A, '--adapt-from', 'missing.mp4'], 'missing.mp4', 'no such file'),
    (['align', V, A, '--adapt-from', 'outdir'], 'outdir', 'not a file'),
    (['align', V, A, '--adapt', '--adapt-seconds', '0'], '--adapt-seconds', 'from 1 to 3600'),
    (['align', V, A, '--adapt', '--adapt-seconds', 'nan'], '--adapt-seconds', 'from 1 to 3600'),
    (['align', V, A, '--adapt-from', V, '-o', V, '-y'], V, 'same as an input'),
    pytest.param(['align', V, A, '--device', 'cuda'], '--device', 'no such CUDA device',
                 marks=pytest.mark.skipif(torch.cuda.is_available(), reason='this machine has CUDA')),
    (['preprocess', V, '-o', 'old.npz'], 'old.npz', 'use -y'),
    (['preprocess', V, '-o', V, '-y'], V, 'same as an input'),
    (['preprocess', V, '-o', 'outdir'], 'outdir', 'is a directory'),
    (['evaluate', '--clips', 'nowhere'], 'nowhere', 'no such folder'),
    (['evaluate', '--clips', V], V, 'not a folder'),
    (['evaluate', '--clips', '.', '--json', 'old.npz'], 'old.npz', 'use -y'),
    (['evaluate', '--clips', '.', '--json', C, '--checkpoint', C, '-y'], C, 'same as an input'),
    (['evaluate', '--clips', '.', '--json', 'outdir'], 'outdir', 'is a directory'),
    (['evaluate', '--clips', '.', '--warps', '0'], '--warps', 'from 1 to 100'),
    (['evaluate', '--clips', '.', '--search', '-1'], '--search', 'from 0 to 1500'),
    (['evaluate', '--clips', '.', '--checkpoint', 'missing.pt'], 'missing.pt', 'no such file'),
    (['evaluate', '--clips', '.', '--adapt', '--adapt-seconds', '-5'], '--adapt-seconds', 'from 1 to 3600'),
    (['evaluate', '--clips', '.', '--sync-offsets', 'missing.csv'], 'missing.csv', 'no such file'),
    (['evaluate', '--clips', '.', '--sync-offsets', 'notes.json'], 'notes.json', 'not a sync-offset table'),
    (['train', '--clips', '.', '--out', 'run', '--sync-offsets', 'notes.json'], 'notes.json', 'not a sync-offset table'),
    (['bench', 'encoders', '.', '--sync-offsets', 'outdir'], 'outdir', 'not a file'),
    (['train', '--clips', '.', '--out', V], V, 'not a run folder'),
    (['train', '--clips', 'nowhere', '--out', 'run'], 'nowhere', 'no such folder'),
    (['train', '--clips', '.', '--out', 'run', '--lr', 'nan'], '--lr', 'from 1e-09 to 1.0'),
    (['train', '--clips', '.', '--out', 'run', '--lr', '-1'], '--lr', 'from 1e-09 to 1.0'),
    (['train', '--clips', '.', '--out', 'run', '--batch-size', '0'], '--batch-size', 'from 1 to 4096'),
    (['train', '--clips', '.', '--out', 'run', '--workers', '-2'], '--workers', 'from 0 to 64'),
    (['train', '--clips', '.', '--out', 'run', '--device', 'bogus'], '--device', 'unknown device'),
    (['train', '--clips', '.', '--out', 'outdir', '--phase', '2', '--init-from', 'outdir/phase2_best.pt', '-y'], 'phase2_best.pt', 'never overwritten'),
    (['train', '--clips', '.', '--out', 'outdir', '--phase', '2'], 'phase2_best.pt', 'earlier run'),
    (['bench', 'encoders', 'nowhere'], 'nowhere', 'no such folder'),
    (['bench', 'preprocess', 'missing.mp4'], 'missing.mp4', 'no such file'),
    (['bench', 'data', '--limit', '0'], '--limit', 'from 1 to'),
    (['bench', 'model', '--device', 'bogus'], '--device', 'unknown device'),
    (['bench', 'align', '--minutes', '0'], '--minutes', 'from 0.05 to'),
]

@pytest.mark.parametrize('argv,names,problem', CASES)
def test_bad_option_is_one_line_and_touches_nothing(work, capsys, argv, names, problem):
    before = _tree(work)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith('error: '), err
    assert names in err[0] and problem in err[0], err[0]
    assert 'Traceback' not in err[0]
    assert _tree(work) == before                    # inputs' hashes unchanged, no stray or temporary file
