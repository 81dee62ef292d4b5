"""`bench align` and `bench preprocess` run on a user's machine: without ../shared they build their 1080p clip from
the shipped sample."""
import numpy as np
from lipsync_nb.cli import long_1080p_clip, to_1080p, default_bench_clips
from lipsync_nb.media import probe, read_frames

def test_1080p_clip_from_the_sample_without_shared(tmp_path, monkeypatch):
    monkeypatch.setenv('LIPSYNC_SHARED', str(tmp_path/'no_shared_here'))
    monkeypatch.delenv('LIPSYNC_REQUIRE_SHARED', raising=False)           # a user's machine: nothing requires the shared clips
    monkeypatch.setenv('LIPSYNC_CACHE', str(tmp_path/'cache'))
    p = long_1080p_clip(12)                                    # the 10 s sample twice
    info = probe(p)
    assert (info.width, info.height) == (1920, 1080) and info.has_audio
    assert 12 <= info.duration <= 20.5
    assert long_1080p_clip(12) == p                            # cached
    assert [q.name for q in default_bench_clips()] == ['obama_address.mp4', 'bench_1080p_10s_sample.mp4']
    f = read_frames(p, limit=1)[0]
    assert f.shape == (1080, 1920, 3) and f[:, 900:1000].std() > 5          # the face in the middle, not a blank canvas

def test_to_1080p_keeps_the_picture_centred():
    square = np.zeros((320, 320, 3), np.uint8); square[150:170, 150:170] = 255
    out = to_1080p(square)
    assert out.shape == (1080, 1920, 3)
    ys, xs = np.nonzero(out[..., 0] > 128)
    assert abs(xs.mean() - 960) < 5 and abs(ys.mean() - 540) < 5
    wide = to_1080p(np.zeros((720, 2560, 3), np.uint8)); assert wide.shape == (1080, 1920, 3)

def test_bench_align_leaves_nothing_behind(tmp_path, monkeypatch, capsys):
    "Its fresh cache and its outputs (for an hour of 1080p, gigabytes) were once left in the temp folder on every run."
    import argparse, os, tempfile
    from lipsync_nb.cli import bench_align_table
    from lipsync_nb.core import data_samples_dir
    scratch = tmp_path/'tmp'; scratch.mkdir()
    monkeypatch.setattr(tempfile, 'tempdir', str(scratch))
    monkeypatch.setenv('LIPSYNC_CACHE', str(tmp_path/'cache'))
    a = argparse.Namespace(clips=[str(data_samples_dir()/'obama_address.mp4')], minutes=1.0, quiet=True, no_reencode=True)
    assert bench_align_table(a) == 0
    assert 'obama_address.mp4' in capsys.readouterr().out
    assert list(scratch.iterdir()) == []                       # the bench's cache and videos are gone
    assert os.environ['LIPSYNC_CACHE'] == str(tmp_path/'cache')   # and the user's cache setting is back
