"""Where align's time goes, part by part, in processor seconds: what bounds its speed on this machine.

    python data_samples/cpu_floor.py [VIDEO] [--cores N]

Runs each part of `align` alone, one after another, on VIDEO (default: `bench align`'s 60 s 1080p clip) and prints its
wall time and its processor seconds (all threads): decoding every frame and nothing else (`bench align`'s decode floor),
decoding as preprocessing does (grey, scaled), the face tracking with that decoding, then, timed on 400 frames and
scaled to the clip, the landmarks alone and the mouth crops alone, hama's phone recognizer on the soundtrack, the
model part (embeddings and the default method) and the remux. Parts that run side by side share the
cores, so on N cores align cannot take less wall time than the sum of its parts' processor seconds / N. The last lines
set that bound beside `bench align`'s targets (end to end >= 6x real time; preprocessing <= 2x the decode floor),
and the bound of the least that preprocessing must do: decode every frame, run the phones, fit the landmarks and cut
the mouths of every frame.
"""
import argparse, itertools, os, resource, tempfile, time, warnings
from pathlib import Path
import numpy as np
from lipsync_nb.core import LipsyncWarning, DEFAULT_METHOD, format_table
from lipsync_nb.cli import long_1080p_clip
from lipsync_nb.media import VideoReader, probe, read_audio
from lipsync_nb.mouth import track_mouths, working_scale, face_models, detect_faces, pick_face, fit_landmarks, crop_geometry, crop_mouth, MouthTracker
from lipsync_nb.audio import phone_posteriors, _phone_recognizer, mfcc
from lipsync_nb.autoencoder import default_checkpoint, model_from_checkpoint
from lipsync_nb.clip import preprocess
from lipsync_nb.data import clip_data
from lipsync_nb.align import align_clip, retime_video
warnings.simplefilter('ignore', LipsyncWarning)

def cpu() -> float: r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime

def timed(name, f, rows):
    "Run `f()`, add a row (part, wall s, processor s), return its result."
    c, t = cpu(), time.perf_counter(); out = f()
    rows.append(dict(part=name, wall_s=round(time.perf_counter() - t, 2), cpu_s=round(cpu() - c, 2))); return out

def per_frame_rows(video, cfg, side, n_frames:int, sample:int=400) -> list[dict]:
    "Processor seconds of the landmarks alone and of the mouth patch + crop alone, timed on `sample` decoded frames, scaled to `n_frames`."
    frames = list(itertools.islice(VideoReader(video, cfg.fps, gray=True, max_side=side), sample))
    box = pick_face(detect_faces(frames[0], cfg), frames[0].shape)
    lm, tracker = fit_landmarks(frames[0], box), MouthTracker(cfg)          # the tracker's own patch cutting
    centre, angle, crop_side = crop_geometry(lm[None], cfg, cfg.fps)
    c = cpu()
    for g in frames: fit_landmarks(g, box)
    t_lm = (cpu() - c) / len(frames) * n_frames; c = cpu()
    for g in frames:
        patch, origin, scale = tracker._make_patch(g, lm)
        crop_mouth(patch, np.array(origin, np.float64), scale, centre[0], angle[0], crop_side[0], cfg.mouth_size)
    t_crop = (cpu() - c) / len(frames) * n_frames
    return [dict(part=f'landmarks alone (every frame; {sample} timed)', wall_s='-', cpu_s=round(t_lm, 2)),
            dict(part=f'mouth patch + crop alone (every frame; {sample} timed)', wall_s='-', cpu_s=round(t_crop, 2))]

def soundtrack(video, cfg) -> np.ndarray:
    "The soundtrack at `cfg.sample_rate` and its MFCC (computed, not kept): what the audio thread does before the phones."
    y = read_audio(video, cfg.sample_rate); mfcc(y, cfg); return y

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('video', nargs='?'); ap.add_argument('--cores', type=int, default=len(os.sched_getaffinity(0)))
    a = ap.parse_args()
    video = Path(a.video) if a.video else long_1080p_clip(60)
    info = probe(video); dur = info.duration
    model, cfg = model_from_checkpoint(default_checkpoint())
    face_models(); _phone_recognizer(); mfcc(np.zeros(16000, np.float32))          # loaded once, not counted
    scale = working_scale(video, cfg); side = int(round(max(info.width, info.height) * scale)) if scale < 0.95 else None
    rows = []
    timed('decode floor (every frame, nothing else)', lambda: sum(1 for _ in VideoReader(video, raw=True)), rows)
    timed(f'decode as preprocessing does (grey, longest side {side or max(info.width, info.height)} px)',
          lambda: sum(1 for _ in VideoReader(video, cfg.fps, gray=True, max_side=side)), rows)
    track = timed('face tracking with that decoding', lambda: track_mouths(video, cfg, progress=False), rows)
    rows += per_frame_rows(video, cfg, side, len(track.mouths))
    y = timed('soundtrack read + MFCC', lambda: soundtrack(video, cfg), rows)
    timed("phones (hama's recognizer)", lambda: phone_posteriors(y, cfg), rows)
    cd = clip_data(preprocess(video, cfg=cfg, progress=False), cfg)     # the model's input (preprocessing cached after the first run)
    fm = timed(f'model part ({DEFAULT_METHOD})', lambda: align_clip(model, cd, cfg, method=DEFAULT_METHOD), rows).frame_map
    with tempfile.TemporaryDirectory() as tmp:
        timed('remux', lambda: retime_video(video, fm, Path(tmp)/'remux.mp4', progress=False, retime='remux'), rows)
    print(f"{video.name}: {dur:.1f} s, {info.width}x{info.height}; each part alone, one after another")
    print(format_table(rows))
    by = {r['part'].split(' (')[0]: r['cpu_s'] for r in rows}
    floor_wall, floor_cpu, phones = rows[0]['wall_s'], by['decode floor'], by["phones"]
    pre_cpu = by['face tracking with that decoding'] + by['soundtrack read + MFCC'] + phones
    all_cpu = pre_cpu + by['model part'] + by['remux']
    print(f"\nprocessor seconds: preprocessing {pre_cpu:.1f} (tracking {by['face tracking with that decoding']:.1f} + soundtrack {by['soundtrack read + MFCC']:.1f} + phones {phones:.1f}); align in all {all_cpu:.1f}")
    print(f"on {a.cores} cores, at best: preprocessing {pre_cpu / a.cores:.1f} s = {pre_cpu / a.cores / floor_wall:.2f}x the decode floor "
          f"({floor_wall:.1f} s; target <= 2x); align end to end {all_cpu / a.cores:.1f} s = {dur / (all_cpu / a.cores):.2f}x real time (target >= 6x)")
    least = floor_cpu + phones + by['landmarks alone'] + by['mouth patch + crop alone']
    print(f"the decode floor, the phones, the landmarks and the mouth crops alone: {least:.1f} processor-seconds; on {a.cores} cores "
          f"at best {least / a.cores:.1f} s = {least / a.cores / floor_wall:.2f}x the decode floor, {dur / (least / a.cores):.2f}x real time")

if __name__ == '__main__': main()
