"""Rebuild the shipped samples in data_samples/ from ../shared/data/clips (developers only; the results are committed).

obama_address.mp4: seconds 2-12 of `tanshuai0219_edtalk_uncrop_obama.mp4`, a U.S. presidential weekly address
(a work of the U.S. federal government, public domain in the U.S.), re-encoded at 25 fps, 320x320, H.264 + AAC 16 kHz.
"""
import sys
from pathlib import Path
import numpy as np, cv2
from lipsync_nb.core import shared_clips_dir
from lipsync_nb.media import VideoReader, read_audio, write_video

here = Path(__file__).resolve().parent
clips = shared_clips_dir(required=True)

def cut(src, dst, start_s, dur_s, side):
    r = VideoReader(src)
    a = read_audio(src, t0=0.0)
    frames = (cv2.resize(f, (side, side), interpolation=cv2.INTER_AREA)
              for i, f in enumerate(r) if start_s * 25 <= i < (start_s + dur_s) * 25)
    write_video(dst, frames, 25, audio=a[start_s * 16000:(start_s + dur_s) * 16000], crf=23)
    print('wrote', dst, dst.stat().st_size // 1024, 'KiB')

if __name__ == '__main__':
    cut(clips/'tanshuai0219_edtalk_uncrop_obama.mp4', here/'obama_address.mp4', 2, 10, 320)
