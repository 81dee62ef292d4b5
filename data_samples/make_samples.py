"""Rebuild the shipped samples in data_samples/ (developers only; the results are committed).

obama_address.mp4: seconds 2-12 of `tanshuai0219_edtalk_uncrop_obama.mp4` from ../shared/data/clips, a U.S.
presidential weekly address (a work of the U.S. federal government, public domain in the U.S.), re-encoded at
25 fps, 320x320, H.264 + AAC 16 kHz. That source's sound is late by its sync offset (sync_offsets.csv: 5 frames,
200 ms; `estimate_sync_offsets.py`), so the sample takes its audio 200 ms later than its video: the sample is in sync,
and the re-timed audio's truth below is the truth.

obama_address_retimed.wav + obama_address_retimed_truth.json: the sample's own audio re-timed by a known frame map
(pauses held twice as long, one phrase sped up by dropping every 4th 40 ms frame; `lipsync_nb.testing.known_retiming`):
the right answer for output audio frame k is video frame truth[k].

grid_lbax4n.mp4: the whole of `rizkiarm_lipnet_lbax4n.mpg` from ../shared/data/clips, a GRID corpus clip (Cooke, Barker,
Cunningham & Shao, 2006, CC-BY-4.0; a speaker the shipped model never trained on) saying "lay blue at x four now",
re-encoded at 25 fps, native size, H.264 + AAC 16 kHz.

grid_lbax4n_espeak.wav, grid_lbax4n_espeak_slow.wav: that sentence from espeak-ng (en-us at 150 words/min; en-us+f3 at
120), its silences trimmed, started where the speaker starts (`lipsync_nb.tts`); grid_lbax4n_espeak_reference.json:
for each 40 ms of the 150 words/min voice, the video frame that says the same (MFCC DTW against the clip's own
audio, `speech_reference_map`): a reference, not a ground truth.

grid_lbax4n_retimed.wav + grid_lbax4n_retimed_truth.json: that clip's own audio re-timed like the Obama sample's. The
Obama sample is cut from a clip the shipped model trained on (speaker `obama` is in the training split), so its numbers
flatter the model; the GRID speaker is a validation speaker, never trained on: the honest main-job number.
"""
import json, sys, wave
from pathlib import Path
import numpy as np, cv2
from lipsync_nb.core import shared_clips_dir
from lipsync_nb.media import VideoReader, read_audio, write_video
from lipsync_nb.audio import loudness
from lipsync_nb.inference import warp_audio
from lipsync_nb.testing import known_retiming
from lipsync_nb.data import read_sync_offsets

here = Path(__file__).resolve().parent

def cut(src, dst, start_s, dur_s, side):
    "Seconds start_s … start_s + dur_s of the video, with the audio that belongs to them (the source's sync offset removed)."
    frames = (cv2.resize(f, (side, side), interpolation=cv2.INTER_AREA)
              for i, f in enumerate(VideoReader(src)) if start_s * 25 <= i < (start_s + dur_s) * 25)
    write_video(dst, frames, 25, audio=synced_audio(src, start_s, dur_s), crf=23)
    print('wrote', dst, dst.stat().st_size // 1024, 'KiB')

def sync_offset(src) -> int:
    "The source clip's sync offset in frames (audio frame i is heard with video frame i + offset), from sync_offsets.csv."
    return read_sync_offsets(here/'sync_offsets.csv').get(Path(src).name, 0)

def synced_audio(src, start_s:float=0, dur_s:float|None=None) -> np.ndarray:
    "The 16 kHz audio that belongs to video seconds start_s … start_s + dur_s of `src` (its sync offset removed; silence where none)."
    a = read_audio(src, t0=0.0); a0 = int(start_s * 16000) - 640 * sync_offset(src)
    n = len(a) - max(0, a0) if dur_s is None else int(dur_s * 16000)
    out = np.zeros(n, a.dtype); lo = max(0, a0); part = a[lo:lo + n - (lo - a0)]
    out[lo - a0:lo - a0 + len(part)] = part
    return out

def retimed(sample, wav, truth):
    y = read_audio(sample)
    m = known_retiming(loudness(y))
    w = np.clip(warp_audio(y, m) * 32767, -32768, 32767).astype(np.int16)
    with wave.open(str(wav), 'wb') as f: f.setnchannels(1); f.setsampwidth(2); f.setframerate(16000); f.writeframes(w.tobytes())
    truth.write_text(json.dumps(dict(fps=25, frame_map=[int(x) for x in m],
                                     note='output audio frame k plays source audio frame frame_map[k]: the video frame to show')))
    print('wrote', wav, len(m), 'frames;', truth)

def grid_tts(clip, voices=(('espeak', 'en-us', 150), ('espeak_slow', 'en-us+f3', 120))):
    from lipsync_nb.tts import grid_sentence, synthesize_speech, place_speech, speech_bounds, speech_reference_map, write_wav
    dst = here/'grid_lbax4n.mp4'
    if not dst.exists() or '--all' in sys.argv:
        write_video(dst, VideoReader(clip), 25, audio=synced_audio(clip), crf=20)
        print('wrote', dst, dst.stat().st_size // 1024, 'KiB')
    own = read_audio(dst); start, _ = speech_bounds(own)
    for name, voice, wpm in voices:
        y = place_speech(synthesize_speech(grid_sentence(clip), voice=voice, words_per_minute=wpm), start, len(own) // 640)
        wav = write_wav(here/f'grid_lbax4n_{name}.wav', y); print('wrote', wav)
        if name == 'espeak':
            ref = speech_reference_map(read_audio(wav), own)
            (here/'grid_lbax4n_espeak_reference.json').write_text(json.dumps(dict(fps=25, frame_map=[int(x) for x in ref],
                note='a reference, not a ground truth: for voice frame k, the video frame that says the same (MFCC DTW)')))

if __name__ == '__main__':
    import sys
    sample = here/'obama_address.mp4'
    if not sample.exists() or '--all' in sys.argv:
        cut(shared_clips_dir(required=True)/'tanshuai0219_edtalk_uncrop_obama.mp4', sample, 2, 10, 320)
    retimed(sample, here/'obama_address_retimed.wav', here/'obama_address_retimed_truth.json')
    grid = here/'grid_lbax4n.mp4'
    grid_tts(grid if grid.exists() and '--all' not in sys.argv else shared_clips_dir(required=True)/'rizkiarm_lipnet_lbax4n.mpg')
    retimed(grid, here/'grid_lbax4n_retimed.wav', here/'grid_lbax4n_retimed_truth.json')
