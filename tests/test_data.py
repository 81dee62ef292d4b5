"""Windows and datasets on synthetic clips whose mouths carry their own frame number, so every index can be checked."""
import numpy as np, pytest, torch
from lipsync_nb.core import Config, LipsyncError
from lipsync_nb.clip import Clip
from lipsync_nb.data import clip_data, make_window, WindowDataset, make_loader, clip_weights, speaker_split, ClipData

cfg = Config.preset('tiny')

def numbered_clip(T, name='c.mp4', steps=None):
    "A Clip whose mouth t is filled with the value t % 251 (so resizing keeps it) and random MFCC."
    mouths = np.stack([np.full((120, 120), t % 251, np.uint8) for t in range(T)])
    S = steps if steps is not None else 4 * T + 16
    rng = np.random.default_rng(0)
    return Clip(mouths, np.zeros((T, 68, 2), np.float32), np.ones(T, bool), np.zeros(T, np.float32),
                rng.normal(size=(S, 13)).astype(np.float32), np.zeros(T, np.float32), source=name)

def test_short_clip_is_refused_with_a_clear_error():
    with pytest.raises(LipsyncError, match=r'short\.mp4: clip too short for a window'):
        clip_data(numbered_clip(20, 'short.mp4'), cfg)

def test_three_second_clip_is_padded_not_refused():
    cd = clip_data(numbered_clip(75), cfg)
    for seed in range(30):
        w = make_window(cd, cd.n_windows - 1, np.random.default_rng(seed), cfg)
        assert w['mouths'].shape == (79, cfg.model_mouth_size, cfg.model_mouth_size)
        assert ((w['target'] >= 0) & (w['target'] < 75)).all()

@pytest.mark.parametrize('warp', [False, True])
def test_target_shows_the_audio_frames_own_mouth(warp):
    cd = clip_data(numbered_clip(400), cfg)
    for seed in range(50):
        a = int(np.random.default_rng(seed).integers(0, cd.n_windows))
        w = make_window(cd, a, np.random.default_rng(seed), cfg, warp=warp)
        shown = w['mouths'][w['target'], 0, 0].astype(int)           # frame number painted into the target's first mouth
        want = (a + np.arange(25)) % 251
        if not warp: assert (shown == want).all()
        else: assert (np.abs(shown - want) <= 3).all()              # its own frame, or a dropped frame's nearest survivor
        assert np.array_equal(w['audio'], cd.audio[a:a + 25])

def test_phase1_shifts_cover_the_range():
    cd = clip_data(numbered_clip(400), cfg)
    shifts = {make_window(cd, 150, np.random.default_rng(s), cfg, warp=False)['shift'] for s in range(400)}
    assert min(shifts) == -25 and max(shifts) == 25

def test_weights_cap_a_dominant_speaker():
    big = [ClipData(f'g{i}', np.zeros((75, 4, 4), np.uint8), np.zeros((71, 20, 13), np.float32), 'grid_s1') for i in range(200)]
    small = [ClipData('o', np.zeros((250, 4, 4), np.uint8), np.zeros((246, 20, 13), np.float32), 'obama')]
    w = clip_weights(big + small, cap_seconds=60)
    share = w[-1] / w.sum()
    assert 0.12 < share < 0.3, share            # ~10 s against the big speaker's capped 60 s (uncapped it would be ~0.02)

def test_speaker_split_keeps_speakers_apart():
    speakers = {f'c{i}.mp4': f's{i % 7}' for i in range(40)}
    speakers.update({f'g{i}.mpg': 'grid_s1' for i in range(50)})
    tr, va = speaker_split(speakers, 0.25, seed=1)
    assert {speakers[c] for c in tr}.isdisjoint({speakers[c] for c in va})
    assert all(speakers[c] != 'grid_s1' for c in va) and va

def test_loader_with_workers_matches_no_workers():
    cd = clip_data(numbered_clip(300), cfg)
    ds = WindowDataset([cd], cfg, n_items=12)
    b0 = next(iter(make_loader(ds, 12, workers=0)))
    b2 = next(iter(make_loader(ds, 12, workers=2)))
    assert torch.equal(b0['mouths'], b2['mouths']) and torch.equal(b0['target'], b2['target'])

def test_every_epoch_draws_its_own_windows_with_persistent_workers():
    "Workers keep their copy of the dataset all run: the epoch must reach them through the sampler's indices (it once did not)."
    from lipsync_nb.training import EpochSampler
    cd = clip_data(numbered_clip(300), cfg)
    ds = WindowDataset([cd], cfg, n_items=16)
    def epochs(workers):
        s = EpochSampler(len(ds), 8, seed=0)
        ld = make_loader(ds, 8, workers=workers, sampler=s, generator=torch.Generator().manual_seed(0))
        out = []
        for e in range(3):
            s.set_epoch(e); out.append(torch.cat([b['mouths'] for b in ld]))
        return out
    e0, e2 = epochs(0), epochs(2)
    for a, b in zip(e0, e2): assert torch.equal(a, b)          # the same windows whatever the workers, epoch after epoch
    starts = [sorted(m[:, 0, 0, 0].tolist()) for m in e0]         # each window's first frame number: which windows, in any order
    assert starts[0] != starts[1] and starts[1] != starts[2]      # a new epoch draws new windows, not the first epoch's reshuffled
