"""Draw the README's picture from the shipped public-domain sample: a frame with its landmarks, the first 25 mouths,
and the MFCC under them. Run: python docs/make_figures.py  (writes nbs/images/preprocess.jpg)."""
from pathlib import Path
import numpy as np, cv2
from lipsync_nb.core import data_samples_dir
from lipsync_nb.media import read_frames
from lipsync_nb.clip import preprocess
from lipsync_nb.mouth import mouth_grid

sample = data_samples_dir()/'obama_address.mp4'
clip = preprocess(sample, progress=False)
frame = cv2.cvtColor(read_frames(sample, limit=1)[0], cv2.COLOR_RGB2BGR)
for x, y in clip.landmarks[0]: cv2.circle(frame, (int(round(x)), int(round(y))), 2, (0, 255, 0), -1)
grid = cv2.cvtColor(mouth_grid(clip.mouths[:25], cols=5, tile=64), cv2.COLOR_GRAY2BGR)
h = 320
left = cv2.resize(frame, (h, h)); mid = cv2.resize(grid, (h, h), interpolation=cv2.INTER_NEAREST)
m = clip.mfcc[:400].T[::-1]
m = ((m - m.min()) / (np.ptp(m) + 1e-9) * 255).astype(np.uint8)
right = cv2.resize(cv2.applyColorMap(m, cv2.COLORMAP_VIRIDIS), (2 * h, h // 2), interpolation=cv2.INTER_NEAREST)
op = clip.mouth_opening[:100]; curve = np.full((h // 2, 2 * h, 3), 255, np.uint8)
pts = np.stack([np.linspace(5, 2 * h - 5, len(op)), h // 2 - 10 - (op - op.min()) / (np.ptp(op) + 1e-9) * (h // 2 - 20)], 1).astype(np.int32)
cv2.polylines(curve, [pts], False, (180, 80, 20), 2)
img = np.hstack([left, mid, np.vstack([right, curve])])
out = Path(__file__).resolve().parents[1]/'nbs'/'images'/'preprocess.jpg'
cv2.imwrite(str(out), img, [cv2.IMWRITE_JPEG_QUALITY, 85])
print('wrote', out, img.shape)
