"""Committed notebooks carry their small outputs (`python docs/outputs.py`), so that a reader on GitHub sees each lesson's
numbers and figures without running it."""
import json, re
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))
DRAWS = re.compile(r'go\.Figure|make_subplots|px\.\w+\(|_figure\(|\.show\(\)')
WIDGET = 'application/vnd.jupyter.widget-view+json'

def code_cells(nb:Path):
    return [c for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code']

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_shows_its_results(nb):
    "A notebook that draws a figure carries a picture of it; one that computes carries its text; nothing big or live."
    cells = code_cells(nb)
    outputs = [o for c in cells for o in c.get('outputs', [])]
    runnable = [c for c in cells if not ''.join(c['source']).lstrip().startswith(('#| export', '#|export', '#| hide', '#| default_exp'))]
    if runnable: assert outputs, f"{nb.name} has no outputs: run `python docs/outputs.py {nb.stem}` and `nbdev_clean`"
    if any(DRAWS.search(''.join(c['source'])) for c in cells):
        assert any('image/png' in o.get('data', {}) for o in outputs), f"{nb.name} draws figures but carries no picture of them"
    for o in outputs:
        assert WIDGET not in o.get('data', {}), f"{nb.name}: live widget state committed"
        assert len(o.get('data', {}).get('image/png', '')) < 400_000, f"{nb.name}: an image over 300 kB"
    assert nb.stat().st_size < 1_500_000, f"{nb.name} is {nb.stat().st_size / 1e6:.1f} MB"
