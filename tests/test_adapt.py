"""`align --adapt` end to end through the command line: it adapts on the video's own soundtrack and says so, the second
run reads the cache, a soundtrack out of sync refuses to teach, a video without audio is a one-line error."""
import json, shutil
import numpy as np
import pytest
from lipsync_nb.core import data_samples_dir
from lipsync_nb.cli import main
from lipsync_nb.media import VideoReader, read_audio, write_video

@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.setenv('LIPSYNC_CACHE', str(tmp_path/'cache'))
    d = data_samples_dir()
    for f in ('grid_lbax4n.mp4', 'grid_lbax4n_espeak.wav', 'obama_address.mp4', 'obama_address_retimed.wav'):
        shutil.copy(d/f, tmp_path/f)
    monkeypatch.chdir(tmp_path)
    return tmp_path

def test_adapt_on_own_soundtrack_then_cached(work, capsys):
    argv = ['align', 'grid_lbax4n.mp4', 'grid_lbax4n_espeak.wav', '--map', 'map.json', '--adapt', '--adapt-seconds', '3', '-q', '-y']
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert 'adapted to grid_lbax4n.mp4' in out and 'steps in' in out and '(cached)' not in out, out
    first = json.loads((work/'map.json').read_text())
    assert first['adapted'].startswith('adapted to grid_lbax4n.mp4')
    assert list((work/'cache'/'adapt').glob('*.pt')), 'the adapted encoders are cached'
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert '(cached)' in out, out
    assert json.loads((work/'map.json').read_text())['frame_map'] == first['frame_map']     # the cache gives the same model
    assert main(['align', 'grid_lbax4n.mp4', 'grid_lbax4n_espeak.wav', '--map', 'plain.json', '-q']) == 0
    assert json.loads((work/'plain.json').read_text())['adapted'] == ''

def test_soundtrack_out_of_sync_does_not_teach(work, capsys):
    frames, y = list(VideoReader(work/'obama_address.mp4')), read_audio(work/'obama_address.mp4')
    write_video(work/'late.mp4', frames, 25, audio=np.r_[np.zeros(12 * 640, np.float32), y], crf=28)   # its audio 12 frames late
    assert main(['align', 'obama_address.mp4', 'obama_address_retimed.wav', '--map', 'map.json', '--adapt-from', 'late.mp4',
                 '--adapt-seconds', '3', '-q']) == 0
    out = capsys.readouterr().out
    assert 'not adapted: the soundtrack of late.mp4 is -12 frames off its video' in out, out
    assert not (work/'cache'/'adapt').exists() or not list((work/'cache'/'adapt').glob('*.pt'))

def test_no_audio_to_adapt_on(work, capsys):
    write_video(work/'silent.mp4', list(VideoReader(work/'grid_lbax4n.mp4')), 25, audio=None)
    assert main(['align', 'silent.mp4', 'grid_lbax4n_espeak.wav', '--adapt', '-q']) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'silent.mp4' in err[0] and 'no audio stream to adapt on' in err[0] and '--adapt-from' in err[0], err
