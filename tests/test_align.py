"""The `align` command end to end (with an untrained tiny model: the machinery, not the accuracy)."""
import json
from pathlib import Path
import numpy as np, pytest, av
from lipsync_nb.core import Config, data_samples_dir
from lipsync_nb.autoencoder import LipSyncModel
from lipsync_nb.training import save_checkpoint
from lipsync_nb.inference import FrameMap
from lipsync_nb.align import retime_video
from lipsync_nb.media import probe, read_frames
from lipsync_nb.testing import make_test_video, paint_index, read_index
from lipsync_nb.cli import main

SAMPLE = data_samples_dir()/'obama_address.mp4'
RETIMED = data_samples_dir()/'obama_address_retimed.wav'
TRUTH = data_samples_dir()/'obama_address_retimed_truth.json'

@pytest.fixture(scope='module')
def tiny_ck(tmp_path_factory):
    cfg = Config.preset('tiny')
    return save_checkpoint(tmp_path_factory.mktemp('ck')/'tiny.pt', LipSyncModel(cfg), cfg, 0, 0, 2)

def test_align_cli(tmp_path, tiny_ck, capsys):
    out, mp = tmp_path/'out.mp4', tmp_path/'map.json'
    assert main(['align', str(SAMPLE), str(RETIMED), '-o', str(out), '--map', str(mp), '--checkpoint', str(tiny_ck),
                 '--truth', str(TRUTH), '-q']) == 0
    text = capsys.readouterr().out
    assert 'frames at 25 fps' in text and 'against obama_address_retimed_truth.json' in text
    m = json.loads(mp.read_text())
    n = len(json.loads(TRUTH.read_text())['frame_map'])
    assert m['fps'] == 25 and len(m['frame_map']) == n and len(m['confidence']) == n and 'global_offset_frames' in m
    assert abs(probe(out).duration - n / 25) < 0.1                         # output lasts as long as the audio
    assert main(['align', str(SAMPLE), str(RETIMED), '-o', str(out), '--checkpoint', str(tiny_ck), '-q']) == 2   # exists, no -y
    assert 'output exists' in capsys.readouterr().err
    assert main(['align', str(SAMPLE), str(RETIMED), '-o', str(out), '--checkpoint', str(tiny_ck), '-q', '-y']) == 0

def test_align_refuses_bad_checkpoint(tmp_path, capsys):
    (tmp_path/'bad.pt').write_bytes(b'not a checkpoint')
    assert main(['align', str(SAMPLE), str(RETIMED), '-o', str(tmp_path/'o.mp4'), '--checkpoint', str(tmp_path/'bad.pt'), '-q']) == 2
    assert 'corrupt or unreadable checkpoint' in capsys.readouterr().err
    assert not (tmp_path/'o.mp4').exists()

@pytest.mark.parametrize('retime', ['remux', 'encode'])
def test_retime_shows_the_mapped_frames(tmp_path, retime):
    "Read as a player does (the frame on screen at each 40 ms), the output shows exactly the frames the map names."
    src = make_test_video(tmp_path/'numbered.mp4', np.arange(50) / 25, rate=25)
    fm = np.array([0, 0, 1, 3, 3, 3, 4, 10, 11, 12, 30, 49])
    out = retime_video(src, fm, tmp_path/'re.mp4', progress=False, retime=retime)
    got = [read_index(f) for f in read_frames(out, gray=True, hold=True)]
    assert got == fm.tolist()

def _bframe_video(path, n, rate):
    "Numbered frames through libx264's default B-frame pyramid (what phones and cameras write), no audio."
    from fractions import Fraction
    with av.open(str(path), 'w') as c:
        vs = c.add_stream('libx264', rate=Fraction(rate).limit_denominator(1001)); vs.width = vs.height = 64; vs.pix_fmt = 'yuv420p'
        vs.options = {'crf': '10', 'preset': 'medium', 'bf': '3'}
        for k in range(n):
            f = av.VideoFrame.from_ndarray(paint_index(k), format='rgb24'); f.pts = k
            for p in vs.encode(f): c.mux(p)
        for p in vs.encode(): c.mux(p)
    return path

@pytest.mark.parametrize('rate', [25, 29.97, 60])
def test_remux_with_b_frames_and_other_rates(tmp_path, rate):
    "Source frames predicted from later ones (B-frames), at rates other than 25: every 40 ms slot shows the map's frame."
    src = _bframe_video(tmp_path/'b.mp4', int(4 * rate), rate)
    with av.open(str(src)) as c: assert c.streams.video[0].codec_context.has_b_frames
    ref = [read_index(f) for f in read_frames(src, gray=True)]                # what the project calls frames 0, 1, … at 25 fps
    fm = np.r_[np.arange(2, 30), np.full(6, 30), np.arange(31, 80, 2), np.arange(80, len(ref))]   # leading skip, hold, drops
    out = retime_video(src, fm, tmp_path/'o.mp4', np.zeros(len(fm) * 1920, np.float32), progress=False)
    got = [read_index(f) for f in read_frames(out, gray=True, hold=True)]
    assert got == [ref[j] for j in fm]
    assert probe(out).has_audio and abs(probe(out).duration - len(fm) / 25) < 0.1

def test_length_mismatch_is_said(tmp_path, tiny_ck):
    from lipsync_nb.core import LipsyncWarning
    from lipsync_nb.media import read_audio, write_video
    from lipsync_nb.align import align_video
    import wave
    y = read_audio(SAMPLE)
    long = tmp_path/'long.wav'
    with wave.open(str(long), 'wb') as f:
        f.setnchannels(1); f.setsampwidth(2); f.setframerate(16000)
        f.writeframes((np.r_[y, y[:16000 * 3]] * 30000).astype(np.int16).tobytes())
    with pytest.warns(LipsyncWarning, match='longer than the video'):
        fm = align_video(SAMPLE, long, checkpoint=tiny_ck, progress=False)
    assert len(fm.frame_map) == round((len(y) + 48000) / 16000 * 25) and fm.frame_map.max() <= 249   # one frame per 40 ms of audio
    short = tmp_path/'short.wav'
    with wave.open(str(short), 'wb') as f:
        f.setnchannels(1); f.setsampwidth(2); f.setframerate(16000); f.writeframes((y[:16000 * 5] * 30000).astype(np.int16).tobytes())
    with pytest.warns(LipsyncWarning, match='longer than the audio'):
        fm = align_video(SAMPLE, short, checkpoint=tiny_ck, progress=False)
    assert len(fm.frame_map) == 5 * 25

def test_retime_at_the_source_frame_rate(tmp_path):
    src = make_test_video(tmp_path/'n30.mp4', np.arange(60) / 30, rate=30)
    out = retime_video(src, np.arange(50), tmp_path/'same.mp4', out_fps=30, progress=False)   # identity map, 2 s
    assert abs(probe(out).fps - 30) < 0.01
    assert [read_index(f) for f in read_frames(out, fps=30, gray=True, hold=True)] == list(range(60))
    held = retime_video(src, np.r_[np.arange(10), np.full(15, 10), np.arange(11, 36)], tmp_path/'held.mp4', out_fps=30, progress=False)
    got = [read_index(f) for f in read_frames(held, fps=30, gray=True, hold=True)]
    assert got == sorted(got) and max(got.count(v) for v in set(got)) >= 15   # 0.6 s held on one source moment, never back

def test_align_audio_warp_keeps_the_video(tmp_path, tiny_ck):
    from lipsync_nb.align import align_video
    out = tmp_path/'aw.mp4'
    fm = align_video(SAMPLE, RETIMED, out, checkpoint=tiny_ck, warp='audio', progress=False)
    info = probe(out)
    assert info.has_audio and abs(info.duration - (fm.frame_map[-1] + 1) / 25) < 0.15   # the video's length, not the audio's

def _wav(path, y):
    import wave
    with wave.open(str(path), 'wb') as f:
        f.setnchannels(1); f.setsampwidth(2); f.setframerate(16000); f.writeframes((np.clip(y, -1, 1) * 30000).astype(np.int16).tobytes())
    return path

def test_clip_shorter_than_a_window_is_padded(tmp_path, tiny_ck):
    from lipsync_nb.align import align_video
    from lipsync_nb.media import read_audio, write_video
    y = read_audio(SAMPLE)
    v = write_video(tmp_path/'short.mp4', read_frames(SAMPLE, limit=40), audio=y[:25600])        # 1.6 s < one 3 s window
    fm = align_video(v, _wav(tmp_path/'a.wav', y[:25600]), tmp_path/'o.mp4', checkpoint=tiny_ck, progress=False)
    assert len(fm.frame_map) == 40 and fm.frame_map.max() <= 39 and probe(tmp_path/'o.mp4').duration > 1.5

def test_audio_without_speech_warns(tmp_path, tiny_ck):
    from lipsync_nb.core import LipsyncWarning
    from lipsync_nb.align import align_video
    with pytest.warns(LipsyncWarning, match='silent'):
        fm = align_video(SAMPLE, _wav(tmp_path/'quiet.wav', np.zeros(16000 * 4)), checkpoint=tiny_ck, progress=False)
    assert len(fm.frame_map) == 100

def test_warnings_survive_the_cache(tmp_path, monkeypatch):
    "A cached clip says again what its first preprocessing said (silent audio), naming the file of this call."
    from lipsync_nb.core import LipsyncWarning
    from lipsync_nb.clip import preprocess
    monkeypatch.setenv('LIPSYNC_CACHE', str(tmp_path/'cache'))
    quiet = _wav(tmp_path/'quiet.wav', np.zeros(16000 * 4))
    with pytest.warns(LipsyncWarning, match='silent'): preprocess(SAMPLE, audio=quiet, progress=False)
    again = _wav(tmp_path/'again.wav', np.zeros(16000 * 4))                      # same content: a cache hit
    with pytest.warns(LipsyncWarning, match='again.wav: audio is silent'): preprocess(SAMPLE, audio=again, progress=False)

def test_offset_larger_than_the_video(tmp_path, tiny_ck):
    from lipsync_nb.core import LipsyncWarning
    from lipsync_nb.align import align_video
    from lipsync_nb.media import read_audio
    y = read_audio(SAMPLE)
    late = _wav(tmp_path/'late.wav', np.r_[np.zeros(16000 * 12), y])                 # speech starts after the video has ended
    with pytest.warns(LipsyncWarning, match='longer than the video'):
        fm = align_video(SAMPLE, late, checkpoint=tiny_ck, progress=False)
    assert (np.diff(fm.frame_map) >= 0).all() and fm.frame_map.max() <= 249

def test_video_without_frames(tmp_path, tiny_ck):
    from lipsync_nb.core import LipsyncError
    from lipsync_nb.align import align_video
    empty = tmp_path/'empty.mp4'
    with av.open(str(empty), 'w') as c:
        s = c.add_stream('libx264', rate=25); s.width = s.height = 64; s.pix_fmt = 'yuv420p'
        a = c.add_stream('aac', rate=16000)
        f = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format='fltp', layout='mono'); f.sample_rate = 16000; f.pts = 0
        for p in a.encode(f): c.mux(p)
        for p in a.encode(): c.mux(p)
    with pytest.raises(LipsyncError, match='empty.mp4'):
        align_video(empty, RETIMED, checkpoint=tiny_ck, progress=False)

def test_hour_long_embeddings_align_in_bounded_memory():
    "40 minutes of embeddings: local offsets and DTA work inside their bands (a full 60 000² matrix would need 29 GB)."
    import torch
    from lipsync_nb.inference import local_offsets, window_starts
    from lipsync_nb.baselines import dta_align
    g = torch.Generator().manual_seed(0)
    n = 60_000
    v = torch.nn.functional.normalize(torch.randn(n + 40, 16, generator=g), dim=1)
    a = torch.nn.functional.normalize(v[12:n + 12] + 0.1 * torch.randn(n, 16, generator=g), dim=1)   # audio i ↔ video i + 12
    offs = local_offsets(a, v, window_starts(n)[::50], max_offset=30)
    assert (offs == 12).mean() > 0.95
    fm, conf, raw = dta_align(a, v, n, n + 40)
    assert len(fm) == n and (np.diff(fm) >= 0).all() and np.median(fm - np.arange(n)) == 12
