"""The TTS example's inputs: the shipped voice is what `make_samples.py` says it is, the reference map is monotonic and
covers the voice, and a machine without espeak-ng gets one line that says how to install it."""
import json
import numpy as np
import pytest
from lipsync_nb.core import LipsyncError, data_samples_dir
from lipsync_nb.media import probe, read_audio
from lipsync_nb import tts

def test_shipped_tts_sample():
    d = data_samples_dir()
    video, voice = probe(d/'grid_lbax4n.mp4'), read_audio(d/'grid_lbax4n_espeak.wav')
    ref = np.array(json.loads((d/'grid_lbax4n_espeak_reference.json').read_text())['frame_map'])
    assert video.video_codec == 'h264' and abs(video.fps - 25) < 1e-6
    assert len(ref) == len(voice) // 640 and (np.diff(ref) >= 0).all() and ref.max() < round(video.duration * 25)
    own = read_audio(d/'grid_lbax4n.mp4')
    assert tts.speech_bounds(voice)[0] == tts.speech_bounds(own)[0]          # the voice starts where the speaker does
    assert tts.grid_sentence(d/'grid_lbax4n.mp4') == 'lay blue at x four now'

def test_without_espeak_one_line(monkeypatch):
    monkeypatch.setenv('PATH', '/nonexistent')
    with pytest.raises(LipsyncError, match='espeak-ng is not installed .*apt-get install espeak-ng'):
        tts.synthesize_speech('lay blue at x four now')

@pytest.mark.skipif(tts.espeak_ng() is None, reason='espeak-ng is not installed')
def test_voice_rate_changes_duration():
    fast, slow = (tts.synthesize_speech('set white in z three now', words_per_minute=w) for w in (190, 120))
    f, s = (np.subtract(*tts.speech_bounds(y)[::-1]) for y in (fast, slow))
    assert s > 1.3 * f, (f, s)
