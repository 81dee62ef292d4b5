"""Keep the notebooks' small outputs in the committed files so that GitHub shows each lesson's results and figures.

`python docs/outputs.py [NAME ...]` runs each notebook in nbs/ (all by default) the way the tests and the docs build
run it, and writes its outputs back into the .ipynb: text as printed (long outputs cut to their first lines), each
plotly figure as a static PNG (headless Chromium, the same as the browser test uses; GitHub does not run plotly), a
widget as a one-line note (it needs a kernel). Large HTML and images are left out, so that a notebook stays small.
Then run `nbdev_clean`. `tests/test_outputs.py` checks that every notebook that draws a figure carries its picture.
"""
import argparse, base64, json, os, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'docs'))
from build import notebooks, WIDGET, PLOTLY      # one list of notebooks, one name per mime type

MAX_LINES, MAX_CHARS = 40, 6000          # a text output beyond this is cut, with a note saying how much was left out
MAX_IMAGE = 250_000                      # bytes of one image kept in a notebook
MAX_HTML = 20_000                        # characters of HTML kept (tables); a bigger one keeps its text form only
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-sync',
                  '--disable-background-networking', '--disable-component-update', '--allow-file-access-from-files']

def chromium() -> str:
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        if shutil.which(name): return shutil.which(name)
    sys.exit("error: a headless Chromium is needed to draw the figures (apt-get install chromium)")

def figure_png(fig:dict) -> bytes:
    "A plotly figure (its JSON) drawn to PNG at its own size (default 700×450) by headless Chromium, with plotly's own plotly.js."
    import plotly, plotly.io as pio
    layout = fig.get('layout', {}); w, h = int(layout.get('width') or 700), int(layout.get('height') or 450)
    js = Path(plotly.__file__).parent/'package_data'/'plotly.min.js'
    html = pio.to_html(fig, include_plotlyjs=False, full_html=True, default_width=w, default_height=h,
                       config=dict(staticPlot=True, displayModeBar=False))
    html = html.replace('<head>', f'<head><script src="{js.as_uri()}"></script><style>body{{margin:0}}</style>', 1)
    with tempfile.TemporaryDirectory() as d:
        page, png = Path(d)/'figure.html', Path(d)/'figure.png'
        page.write_text(html)
        subprocess.run([chromium(), *CHROMIUM_FLAGS, f'--window-size={w},{h}', '--virtual-time-budget=5000', f'--screenshot={png}',
                        page.as_uri()], capture_output=True, timeout=120, cwd=d)
        if not png.exists(): raise RuntimeError('Chromium drew no figure')
        return png.read_bytes()

def _cut(text:str) -> str:
    lines = text.splitlines(True)
    if len(lines) <= MAX_LINES and len(text) <= MAX_CHARS: return text
    kept = ''.join(lines[:MAX_LINES])[:MAX_CHARS]
    return kept.rstrip('\n') + f"\n… ({len(lines) - kept.count(chr(10))} more lines: run the notebook to see them)\n"

def static_output(o:dict) -> dict|None:
    "One output as GitHub can show it, small; None to leave it out."
    o = dict(o); o.pop('execution_count', None)
    if o['output_type'] == 'stream':
        o['text'] = _cut(''.join(o['text']) if isinstance(o['text'], list) else o['text'])
        return o if o['text'].strip() else None
    if o['output_type'] not in ('execute_result', 'display_data'): return None
    data = dict(o.get('data', {}))
    if WIDGET in data:
        data = {'text/plain': '(an interactive widget: run this notebook in JupyterLab to use it)'}
    elif PLOTLY in data:
        png = figure_png(data[PLOTLY])
        data = {'image/png': base64.b64encode(png).decode(), 'text/plain': '<plotly figure: a static picture; run the notebook for the interactive one>'}
    else:
        data = {k: ''.join(v) if isinstance(v, list) else v for k, v in data.items()}     # nbformat may split text into lines
        for k in ('image/png', 'image/jpeg'):
            if k in data and len(data[k]) > MAX_IMAGE * 4 // 3: del data[k]
        if len(data.get('text/html', '')) > MAX_HTML: del data['text/html']
        for k in [k for k in data if k not in ('text/plain', 'text/html', 'text/markdown', 'image/png', 'image/jpeg')]: del data[k]
        if 'text/plain' in data: data['text/plain'] = _cut(data['text/plain'])
    if not data: return None
    return dict(output_type='display_data', data=data, metadata={})

def run(nb:Path) -> tuple[Path, dict|None, str]:
    "Run one notebook in a fresh process (docs/build.py's runner); (path, notebook with outputs, error)."
    with tempfile.TemporaryDirectory() as d:
        out = Path(d)/'run.json'
        env = dict(os.environ, OMP_NUM_THREADS='1')
        r = subprocess.run([sys.executable, str(ROOT/'docs'/'build.py'), '--execute', str(nb), '--to', str(out)],
                           capture_output=True, text=True, env=env)
        if r.returncode or not out.exists(): return nb, None, (r.stderr or r.stdout)[-3000:]
        _, raw, err = json.loads(out.read_text())
        return nb, raw, err

def keep_outputs(nb:Path, raw:dict) -> int:
    "Write the static outputs of a run into the notebook file; the number of figures drawn."
    src = json.loads(nb.read_text()); figures = 0
    for cell, ran in zip(src['cells'], raw['cells']):
        if cell['cell_type'] != 'code': continue
        outs = [s for s in (static_output(o) for o in ran.get('outputs', [])) if s is not None]
        figures += sum('image/png' in o.get('data', {}) for o in outs)
        cell['outputs'], cell['execution_count'] = outs, None
    nb.write_text(json.dumps(src, indent=1, ensure_ascii=False) + '\n')
    return figures

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('names', nargs='*', help='notebook names (default: all)'); p.add_argument('--jobs', type=int, default=2)
    a = p.parse_args(argv)
    nbs = [n for n in notebooks() if not a.names or n.stem in a.names or n.name in a.names]
    from concurrent.futures import ThreadPoolExecutor
    failed = []
    with ThreadPoolExecutor(a.jobs) as ex:
        for nb, raw, err in ex.map(run, nbs):
            if raw is None or err: failed.append(f"{nb.name}: {err}"); continue
            print(f"{nb.name}: outputs kept, {keep_outputs(nb, raw)} figure(s) drawn, {nb.stat().st_size / 1e3:.0f} kB")
    if failed: print('\n'.join(failed), file=sys.stderr); return 1
    return 0

if __name__ == '__main__': sys.exit(main())
