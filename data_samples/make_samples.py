"""Rebuild the shipped samples in data_samples/ (developers only; the results are committed).

obama_address.mp4: seconds 2-12 of `tanshuai0219_edtalk_uncrop_obama.mp4` from ../shared/data/clips, a U.S.
presidential weekly address (a work of the U.S. federal government, public domain in the U.S.), re-encoded at
25 fps, 320x320, H.264 + AAC 16 kHz.

obama_address_retimed.wav + obama_address_retimed_truth.json: the sample's own audio re-timed by a known frame map
(pauses held twice as long, one phrase sped up by dropping every 4th 40 ms frame; `lipsync_nb.inference.known_retiming`):
the right answer for output audio frame k is video frame truth[k].
"""
import json, wave
from pathlib import Path
import numpy as np, cv2
from lipsync_nb.core import shared_clips_dir
from lipsync_nb.media import VideoReader, read_audio, write_video
from lipsync_nb.audio import loudness
from lipsync_nb.inference import known_retiming, warp_audio

here = Path(__file__).resolve().parent

def cut(src, dst, start_s, dur_s, side):
    a = read_audio(src, t0=0.0)
    frames = (cv2.resize(f, (side, side), interpolation=cv2.INTER_AREA)
              for i, f in enumerate(VideoReader(src)) if start_s * 25 <= i < (start_s + dur_s) * 25)
    write_video(dst, frames, 25, audio=a[start_s * 16000:(start_s + dur_s) * 16000], crf=23)
    print('wrote', dst, dst.stat().st_size // 1024, 'KiB')

def retimed(sample, wav, truth):
    y = read_audio(sample)
    m = known_retiming(loudness(y))
    w = np.clip(warp_audio(y, m) * 32767, -32768, 32767).astype(np.int16)
    with wave.open(str(wav), 'wb') as f: f.setnchannels(1); f.setsampwidth(2); f.setframerate(16000); f.writeframes(w.tobytes())
    truth.write_text(json.dumps(dict(fps=25, frame_map=[int(x) for x in m],
                                     note='output audio frame k plays source audio frame frame_map[k]: the video frame to show')))
    print('wrote', wav, len(m), 'frames;', truth)

if __name__ == '__main__':
    import sys
    sample = here/'obama_address.mp4'
    if not sample.exists() or '--all' in sys.argv:
        cut(shared_clips_dir(required=True)/'tanshuai0219_edtalk_uncrop_obama.mp4', sample, 2, 10, 320)
    retimed(sample, here/'obama_address_retimed.wav', here/'obama_address_retimed_truth.json')
