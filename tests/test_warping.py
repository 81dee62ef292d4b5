"""Property tests of synthetic warps and their targets (paper §5): hypothesis draws seeds, lengths and warp parameters."""
import numpy as np
from hypothesis import given, settings, strategies as st
from lipsync_nb.warping import (WarpParams, random_counts, random_frame_map, counts_to_frame_map, warp_targets,
                                check_frame_map, warp_frames, shift_range, window_targets)

params = st.builds(WarpParams,
                   tempo_range=st.tuples(st.floats(0.3, 1.0), st.floats(1.0, 3.0)),
                   segment_frames=st.tuples(st.integers(1, 10), st.integers(10, 60)),
                   p_in_sync=st.floats(0, 1), p_jitter=st.floats(0, 0.5))

@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 400), p=params, max_shift=st.integers(1, 30), max_occ=st.integers(2, 5))
def test_warp_limits(seed, n, p, max_shift, max_occ):
    fm = random_frame_map(n, np.random.default_rng(seed), p, max_shift, max_occ)
    assert len(fm) == n
    assert (np.diff(fm) >= 0).all()                                    # monotonic
    assert np.abs(fm - np.arange(n)).max() <= max_shift                # displacement
    assert np.bincount(fm).max() <= max_occ                            # occurrences
    check_frame_map(fm, max_shift, max_occ)

@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 300), p=params)
def test_targets_point_at_the_right_frame(seed, n, p):
    fm = random_frame_map(n, np.random.default_rng(seed), p)
    t = warp_targets(fm, n)
    assert t.shape == (n,)
    assert ((t >= -1) & (t < n)).all()                                 # in range
    kept = np.isin(np.arange(n), fm)
    for i in np.flatnonzero(kept & (t >= 0)):
        assert fm[t[i]] == i                                           # a surviving frame: its own position …
        assert t[i] == np.flatnonzero(fm == i).max()                   # … its last occurrence
    survived = np.unique(fm)
    for i in np.flatnonzero(~kept & (t >= 0)):                         # a dropped frame: the nearest survivor (ties earlier)
        d = np.abs(survived - i); best = survived[d == d.min()].min()
        assert fm[t[i]] == best and t[i] == np.flatnonzero(fm == best).max()
    assert (t[np.arange(n) > fm.max()] == -1).all()

@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 300))
def test_round_trip(seed, n):
    "Warp a sequence of frame ids, read each audio frame's target back: it is that frame (or its nearest survivor)."
    fm = random_frame_map(n, np.random.default_rng(seed))
    frames = np.arange(n + 30) * 10                                   # frame i carries the value 10 i
    warped = warp_frames(frames, fm)
    t = warp_targets(fm, n)
    got = warped[t[t >= 0]] // 10
    assert np.abs(got - np.arange(n)[t >= 0]).max(initial=0) <= 25
    kept = np.isin(np.arange(n), fm) & (t >= 0)
    assert (warped[t[kept]] // 10 == np.arange(n)[kept]).all()

@given(seed=st.integers(0, 2**32 - 1))
def test_seeded_and_deterministic(seed):
    a = random_frame_map(200, np.random.default_rng(seed)); b = random_frame_map(200, np.random.default_rng(seed))
    assert (a == b).all()

@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), a=st.integers(0, 100))
def test_shift_range_keeps_targets_in_window(seed, a):
    fm = random_frame_map(200, np.random.default_rng(seed))
    t = warp_targets(fm, 200)
    lo, hi = shift_range(t, a)
    assert -25 <= lo <= hi <= 25
    for s in (lo, hi, (lo + hi) // 2):
        w = window_targets(t, a, s)
        assert ((0 <= w) & (w < 75)).all()

def test_counts_and_identity():
    assert (counts_to_frame_map(np.array([1, 0, 2, 1])) == [0, 2, 2, 3]).all()
    assert (warp_targets(np.arange(50)) == np.arange(50)).all()

def test_default_rates_resemble_tempo_changes():
    "The defaults drop and duplicate a few percent to a fifth of frames, mostly in runs, never a 5th occurrence."
    c = random_counts(20000, np.random.default_rng(1))
    drop, dup = (c == 0).mean(), (c >= 2).mean()
    assert 0.03 < drop < 0.25 and 0.03 < dup < 0.25, (drop, dup)
    assert c.max() <= 4
