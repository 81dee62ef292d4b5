"""Bad input ends in one line that names the file and the problem, and writes nothing (issue #3's list, one test each)."""
import os, warnings
from pathlib import Path
import numpy as np, pytest, av
from lipsync_nb.core import LipsyncError, LipsyncWarning, data_samples_dir
from lipsync_nb.media import read_frames, read_audio, write_video
from lipsync_nb.testing import make_test_audio
from lipsync_nb.clip import preprocess
from lipsync_nb.cli import main

SAMPLE = data_samples_dir()/'obama_address.mp4'

@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv('LIPSYNC_CACHE', str(tmp_path/'cache'))

@pytest.fixture(scope='module')
def sample():
    "The first 4 s of the shipped sample: frames (T, H, W, 3) and audio."
    return read_frames(SAMPLE, limit=100), read_audio(SAMPLE)[:64000]

def fails(match, *args, **kw):
    out = kw.get('out')
    with pytest.raises(LipsyncError, match=match) as e: preprocess(*args, progress=False, **kw)
    msg = str(e.value)
    assert '\n' not in msg and len(msg) < 300, msg
    if out is not None and not any(Path(out) == Path(a) for a in args):
        assert not Path(out).exists(), 'nothing may be written on failure'
    return msg

def test_missing_file(tmp_path):
    msg = fails('no such file', tmp_path/'nope.mp4')
    assert msg.startswith(str(tmp_path/'nope.mp4'))

def test_not_a_media_file(tmp_path):
    p = tmp_path/'notes.mp4'; p.write_text('this is text, not a video\n' * 50)
    fails('not a readable media file', p, out=tmp_path/'o.npz')

def test_directory_and_empty_file(tmp_path):
    fails('is a directory', tmp_path)
    (tmp_path/'empty.mp4').write_bytes(b'')
    fails('empty file', tmp_path/'empty.mp4')

def test_truncated_mp4(tmp_path, sample):
    full = write_video(tmp_path/'full.mp4', sample[0], audio=sample[1])
    cut = tmp_path/'cut.mp4'; cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    fails('corrupt|truncated', cut, out=tmp_path/'o.npz')

def test_truncated_stream_without_index(tmp_path, sample):
    "An MPEG-PS file cut in half opens and decodes, but holds far less than its header claims... or its own duration is short."
    p = tmp_path/'full.mpg'
    with av.open(str(p), 'w', format='mpeg') as c:
        vs = c.add_stream('mpeg1video', rate=25); vs.width, vs.height, vs.pix_fmt = 320, 320, 'yuv420p'
        for f in sample[0]:
            for pkt in vs.encode(av.VideoFrame.from_ndarray(f, format='rgb24')): c.mux(pkt)
        for pkt in vs.encode(): c.mux(pkt)
    cut = tmp_path/'cut.mpg'; cut.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    frames = read_frames(cut)
    assert len(frames) < len(sample[0]) * 0.7        # never a silently full-length output from half a file

def test_no_video_stream(tmp_path):
    wav = make_test_audio(tmp_path/'speech.wav', seconds=2)
    fails('no video stream', wav, out=tmp_path/'o.npz')

def test_no_audio_stream(tmp_path, sample):
    mute = write_video(tmp_path/'mute.mp4', sample[0])
    msg = fails('no audio stream', mute, out=tmp_path/'o.npz')
    assert '--audio' in msg
    clip = preprocess(mute, audio=make_test_audio(tmp_path/'tone.wav', seconds=4), progress=False)   # a separate audio file fixes it
    assert clip.n_frames == 100

def test_audio_file_with_no_samples(tmp_path, sample):
    mute = write_video(tmp_path/'mute.mp4', sample[0])
    empty = tmp_path/'empty.wav'
    import wave
    with wave.open(str(empty), 'wb') as w: w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    assert empty.stat().st_size > 0                   # a valid header, zero samples
    fails('no samples', mute, audio=empty, out=tmp_path/'o.npz')

def test_silent_audio_warns(tmp_path, sample):
    v = write_video(tmp_path/'silent.mp4', sample[0], audio=np.zeros(64000, np.float32))
    with pytest.warns(LipsyncWarning, match='silent'): clip = preprocess(v, progress=False)
    assert clip.n_frames == 100

def test_short_faceless_gap_is_filled(tmp_path, sample):
    frames = sample[0].copy(); frames[40:45] = 0
    v = write_video(tmp_path/'gap.mp4', frames, audio=sample[1])
    with pytest.warns(LipsyncWarning, match='40–44: filled by interpolation'): clip = preprocess(v, progress=False)
    assert clip.face_found.all()
    assert np.isfinite(clip.landmarks).all()

def test_long_faceless_gap_is_reported(tmp_path, sample):
    frames = sample[0].copy(); frames[30:60] = 0
    v = write_video(tmp_path/'gap.mp4', frames, audio=sample[1])
    with pytest.warns(LipsyncWarning, match='30–59'): clip = preprocess(v, progress=False)
    assert not clip.face_found[30:60].any() and clip.face_found[:30].all() and clip.face_found[60:].all()

def test_mostly_faceless_clip_is_refused(tmp_path, sample):
    frames = sample[0].copy(); frames[20:] = 0
    v = write_video(tmp_path/'dark.mp4', frames, audio=sample[1])
    msg = fails(r'no face found in 80 of 100 frames \(20–99\)', v, out=tmp_path/'o.npz')

def test_no_face_at_all(tmp_path, sample):
    v = write_video(tmp_path/'black.mp4', np.zeros_like(sample[0]), audio=sample[1])
    fails('no face found in any of the 100 frames', v)

def test_several_faces_follow_the_largest(tmp_path, sample):
    import cv2
    big = sample[0]
    small = np.stack([cv2.resize(f, (160, 160)) for f in big])
    both = np.concatenate([big, np.pad(small, ((0, 0), (80, 80), (0, 0), (0, 0)))], axis=2)   # (T, 320, 480, 3)
    v = write_video(tmp_path/'two.mp4', both, audio=sample[1])
    alone = preprocess(write_video(tmp_path/'one.mp4', big, audio=sample[1]), progress=False)
    with pytest.warns(LipsyncWarning, match='several faces'): clip = preprocess(v, progress=False)
    assert clip.report['several_faces_frames']
    # the landmarks follow the big face on the left, as in the clip with that face alone
    assert np.abs(clip.landmarks[:, 48:68].mean(1) - alone.landmarks[:, 48:68].mean(1)).max() < 8

def test_clip_shorter_than_one_second(tmp_path, sample):
    v = write_video(tmp_path/'short.mp4', sample[0][:15], audio=sample[1][:9600])
    fails(r'clip shorter than 1 s \(0.6', v, out=tmp_path/'o.npz')

def test_output_equal_to_input(tmp_path, sample):
    v = write_video(tmp_path/'in.mp4', sample[0], audio=sample[1])
    before = v.read_bytes()
    fails('same as an input', v, out=v)
    fails('same as an input', v, out=tmp_path/'.'/'in.mp4')
    assert v.read_bytes() == before

def test_output_directory_missing_or_not_writable(tmp_path):
    fails('does not exist', SAMPLE, out=tmp_path/'no'/'such'/'dir'/'o.npz')
    if os.geteuid() == 0: ro = Path('/sys')                     # root ignores permission bits; /sys refuses new files
    else: ro = tmp_path/'ro'; ro.mkdir(); ro.chmod(0o500)
    fails('not writable', SAMPLE, out=ro/'o.npz')

def test_cli_prints_one_line(tmp_path, capsys):
    assert main(['preprocess', str(tmp_path/'nope.mp4'), '-q']) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {tmp_path/'nope.mp4'}: no such file"

def test_evaluate_skips_unusable_clips(tmp_path, capsys):
    "A folder with one good clip and one too short: `evaluate` warns about the short one, names it, and goes on."
    import shutil, warnings
    from lipsync_nb.core import data_samples_dir, LipsyncWarning
    from lipsync_nb.media import write_video, read_frames, read_audio
    from lipsync_nb.cli import main
    sample = data_samples_dir()/'obama_address.mp4'
    shutil.copy(sample, tmp_path/'good.mp4')
    write_video(tmp_path/'short.mp4', read_frames(sample, limit=20), audio=read_audio(sample)[:12800])      # 0.8 s: too short
    assert main(['evaluate', '--clips', str(tmp_path), '--methods', 'syncnet', '--no-audio', '-q']) == 0
    out = capsys.readouterr()
    assert 'short.mp4: skipped' in out.err and 'no clips.csv' in out.err       # the CLI prints warnings as one line each
    assert '1 clips × 1 warp(s)' in out.out
