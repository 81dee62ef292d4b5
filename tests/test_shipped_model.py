"""The shipped default model: small, loadable, and on the shipped sample better than leaving the video alone."""
import json, warnings
import numpy as np, pytest
from lipsync_nb.core import LipsyncWarning, data_samples_dir
from lipsync_nb.autoencoder import default_checkpoint, model_from_checkpoint
from lipsync_nb.align import align_video
from lipsync_nb.inference import map_accuracy

def test_default_checkpoint_is_small_and_loads():
    p = default_checkpoint()
    assert p.exists(), f"{p} is missing: align has no default model"
    assert p.stat().st_size < 30 * 2**20
    model, cfg = model_from_checkpoint(p, 'cpu')
    assert cfg.name == 'cpu' and not model.training

@pytest.mark.parametrize('video,audio,truth', [
    ('obama_address.mp4', 'obama_address_retimed.wav', 'obama_address_retimed_truth.json'),          # a training clip
    ('grid_lbax4n.mp4', 'grid_lbax4n_retimed.wav', 'grid_lbax4n_retimed_truth.json')])             # a speaker held out
def test_main_job_beats_leaving_the_video_untouched(video, audio, truth):
    "The Obama sample is cut from a training clip; the GRID sample's speaker was held out: on both the default halves the error of leaving the video alone."
    d = data_samples_dir()
    truth = np.array(json.loads((d/truth).read_text())['frame_map'])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', LipsyncWarning)      # re-timed audio longer than the video: said, and expected
        fm = align_video(d/video, d/audio, progress=False)
    assert len(fm.frame_map) == len(truth)
    ours = map_accuracy(fm.frame_map, truth)
    untouched = map_accuracy(np.minimum(np.arange(len(truth)), fm.n_video_frames - 1), truth)
    assert ours['mean_err'] < 0.5 * untouched['mean_err'], (ours, untouched)

def test_baselines_through_align(tmp_path, capsys):
    "`align --method M` on the sample: the path, DTA and the autoencoder (both decodings) follow the known warp; SyncNet's map is one constant shift."
    from lipsync_nb.cli import main
    d = data_samples_dir()
    truth = np.array(json.loads((d/'obama_address_retimed_truth.json').read_text())['frame_map'])
    untouched = map_accuracy(np.arange(len(truth)), truth)['mean_err']
    for method, decode in (('path', 'soft'), ('dta', 'soft'), ('autoencoder', 'soft'), ('autoencoder', 'paper'), ('syncnet', 'soft')):
        mp = tmp_path/f'{method}-{decode}.json'
        assert main(['align', str(d/'obama_address.mp4'), str(d/'obama_address_retimed.wav'), '--map', str(mp),
                     '--method', method, '--decode', decode, '--truth', str(d/'obama_address_retimed_truth.json'), '-q']) == 0
        fm = np.array(json.loads(mp.read_text())['frame_map'])
        assert len(fm) == len(truth) and (np.diff(fm) >= 0).all()
        if method in ('dta', 'path'): assert map_accuracy(fm, truth)['mean_err'] < 0.25 * untouched
        elif method == 'autoencoder': assert map_accuracy(fm, truth)['mean_err'] < 0.5 * untouched
        else: assert len(np.unique(np.diff(fm)[:-10])) <= 2          # a shifted identity (held only at the video's end)
    out = capsys.readouterr().out
    assert 'against obama_address_retimed_truth.json' in out and 'left alone:' in out

@pytest.mark.parametrize('shift', [-60, -20, 20, 75])
def test_default_follows_a_global_offset(tmp_path, shift):
    "The sample's own audio started `shift` frames late (or early), up to 3 s, beyond DTA's ±2 s band: the default follows it."
    import soundfile as sf
    from lipsync_nb.media import read_audio
    d = data_samples_dir(); y = read_audio(d/'obama_address.mp4')
    moved = np.r_[np.zeros(shift * 640, np.float32), y] if shift > 0 else y[-shift * 640:]
    sf.write(tmp_path/'moved.wav', moved, 16000)
    fm = align_video(d/'obama_address.mp4', tmp_path/'moved.wav', progress=False)
    n = len(moved) // 640; scored = np.arange(n) >= max(shift, 0)             # audio frames that have video under them
    truth = np.arange(n) - shift
    assert fm.global_offset_frames == -shift
    assert np.abs(fm.frame_map[:n][scored] - truth[scored]).mean() < 0.5

def test_which_sample_speakers_the_model_trained_on():
    "The model card's validation speakers hold the GRID sample's speaker and not the Obama sample's (what the README says)."
    import re
    from lipsync_nb.core import shared_clips_dir
    from lipsync_nb.data import read_speakers
    card = (data_samples_dir()/'lipsync_cpu.md').read_text()
    held_out = set(re.search(r'held-out speakers\s*\(([^)]*)\)', card).group(1).replace('\n', ' ').split(', '))
    assert 'grid_unk_lbax4n' in held_out and 'obama' not in held_out and len(held_out) >= 20
    clips = shared_clips_dir()
    if clips is not None:                                    # with the shared clips: the samples' sources have those speakers
        speakers = read_speakers(clips.parent/'clips.csv')
        assert speakers['rizkiarm_lipnet_lbax4n.mpg'] == 'grid_unk_lbax4n'
        assert speakers['tanshuai0219_edtalk_uncrop_obama.mp4'] == 'obama'
