"""Build the docs site offline from the notebooks: `python docs/build.py` → docs/_site/index.html.

1. Every notebook in nbs/ runs top to bottom (as the tests run it: flagged and `eval: false` cells skipped), two at a time.
2. Its cells become a page: `#| hide` cells and nbdev's export call are dropped, directive lines are removed from code;
   plotly figures get an HTML output that draws them with the site's one copy of plotly.js (myst-nb skips plotly's
   own mime type); live widgets, which need a kernel, are replaced by a note (each explorer has a static twin).
3. An API reference page from the docstrings (autodoc), and the landing page from nbs/index.ipynb.
4. Sphinx builds the HTML (warnings are errors), then every page's internal links and assets are checked.
Quarto users can still run `nbdev_docs` (settings.ini, nbs/_quarto.yml): this build does not replace it.
"""
import argparse, json, os, re, shutil, subprocess, sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse, unquote

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT/'docs'
WIDGET = 'application/vnd.jupyter.widget-view+json'
PLOTLY = 'application/vnd.plotly.v1+json'

def notebooks():
    return sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))

def execute(path:str) -> tuple[str, dict, str]:
    "Run one notebook; returns (name, notebook as dict with outputs, error or '')."
    os.environ['PLOTLY_RENDERER'] = 'plotly_mimetype'; os.environ['IN_TEST'] = '1'
    sys.path.insert(0, str(ROOT))
    from conftest import run_notebook, settings_flags, NotebookCellError     # the tests' own way of running a notebook
    path = Path(path); outputs, err = {}, ''
    try:
        for i, _, outs in run_notebook(path, settings_flags()): outputs[i] = [dict(o) for o in outs]
    except NotebookCellError as e: err = str(e)[-1500:]
    raw = json.loads(path.read_text())
    for i, c in enumerate(raw['cells']):
        if c['cell_type'] == 'code': c['outputs'] = outputs.get(i, [])
    return path.stem, raw, err

DIRECTIVE = re.compile(r'^\s*#\s*\|.*$')

def page(raw:dict) -> dict:
    "A notebook as a page: hidden cells dropped, directives removed, plotly HTML added, widgets replaced by a note."
    import plotly.io as pio
    cells = []
    for c in raw['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'code':
            lines = src.splitlines()
            direc = [l.strip() for l in lines if DIRECTIVE.match(l)]
            if any(d.replace(' ', '') in ('#|hide', '#|default_exp') or d.startswith('#| default_exp') for d in direc) or 'nbdev_export(' in src: continue
            c['source'] = '\n'.join(l for l in lines if not DIRECTIVE.match(l)).strip('\n')
            outs = []
            for o in c.get('outputs', []):
                data = o.get('data')
                if data and WIDGET in data:
                    outs.append(dict(output_type='display_data', metadata={}, data={'text/markdown':
                        '*An interactive widget: run this notebook in JupyterLab to use it. The static view below (or above) shows the same.*'}))
                    continue
                if data and PLOTLY in data and 'text/html' not in data:
                    fig = data[PLOTLY]
                    html = pio.to_html(fig, include_plotlyjs=False, full_html=False, config={'responsive': True})
                    # the theme loads scripts at the end of the page: draw once plotly.js is there
                    a, b = html.index('<script>') + len('<script>'), html.rindex('</script>')
                    data['text/html'] = html[:a] + 'window.addEventListener("load", function() {' + html[a:b] + '});' + html[b:]
                    del data[PLOTLY]
                outs.append(o)
            c['outputs'] = outs; c['execution_count'] = None
        cells.append(c)
    raw['cells'] = cells
    return raw

API_MODULES = ['core', 'testing', 'media', 'mouth', 'audio', 'clip', 'warping', 'data', 'encoders', 'autoencoder', 'training',
               'inference', 'baselines', 'align', 'evaluation', 'adapt', 'tts', 'widgets', 'cli']

def api_page() -> str:
    out = ['# API reference', '', 'Every exported function and class, from its docstring; each module is written by the notebook of the same stage.', '']
    for m in API_MODULES:
        out += [f'## `lipsync_nb.{m}`', '', '```{eval-rst}', f'.. automodule:: lipsync_nb.{m}', '   :members:', '```', '']
    return '\n'.join(out)

class Links(HTMLParser):
    def __init__(self):
        super().__init__(); self.refs, self.ids = [], set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        for k in ('href', 'src'):
            if a.get(k) and not (tag == 'a' and k == 'src'): self.refs.append(a[k])

def check_site(site:Path, pages:list[str]) -> list[str]:
    "Broken internal links, missing assets and anchors, and expected pages that are missing."
    problems, parsed = [], {}
    def parse(p):
        if p not in parsed:
            h = Links(); h.feed(p.read_text(errors='replace')); parsed[p] = h
        return parsed[p]
    for name in pages:
        if not (site/f'{name}.html').exists(): problems.append(f"missing page: {name}.html")
    for html in site.rglob('*.html'):
        for ref in parse(html).refs:
            u = urlparse(ref)
            if u.scheme in ('http', 'https', 'mailto', 'data', 'javascript') or ref.startswith('//'): continue
            target = (html.parent/unquote(u.path)).resolve() if u.path else html
            if not target.exists(): problems.append(f"{html.relative_to(site)}: broken link {ref}"); continue
            if u.fragment and target.suffix == '.html' and u.fragment not in parse(target).ids:
                problems.append(f"{html.relative_to(site)}: no anchor #{u.fragment} in {target.relative_to(site)}")
    return problems

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default=str(DOCS/'_site')); p.add_argument('--jobs', type=int, default=2)
    p.add_argument('--only', nargs='*', help='notebook names to build (default: all)')
    p.add_argument('--execute', help=argparse.SUPPRESS); p.add_argument('--to', help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.execute:
        Path(a.to).write_text(json.dumps(execute(a.execute), default=str)); return 0
    src, site = DOCS/'_build'/'src', Path(a.out)
    shutil.rmtree(src, ignore_errors=True); (src/'_static').mkdir(parents=True)
    import plotly
    shutil.copy(Path(plotly.__file__).parent/'package_data'/'plotly.min.js', src/'_static'/'plotly.min.js')
    (src/'_static'/'wrap.css').write_text('pre { white-space: pre-wrap; overflow-wrap: anywhere; }\n')   # long code lines wrap, never cut
    if (ROOT/'nbs'/'images').is_dir(): shutil.copytree(ROOT/'nbs'/'images', src/'images')
    nbs = [n for n in notebooks() if not a.only or n.stem in a.only]
    failed = []
    from tqdm.auto import tqdm
    from concurrent.futures import ThreadPoolExecutor
    def run(nb):                                                   # each notebook in a fresh process, as a user would run it
        out = src/f'{nb.stem}.run.json'
        env = dict(os.environ, OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 1) // a.jobs)))   # no oversubscribed cores
        r = subprocess.run([sys.executable, __file__, '--execute', str(nb), '--to', str(out)], capture_output=True, text=True, env=env)
        if r.returncode or not out.exists(): return nb.stem, None, (r.stderr or r.stdout)[-3000:] or f"{nb.name}: failed"
        name, raw, err = json.loads(out.read_text()); out.unlink()
        return name, raw, err
    with ThreadPoolExecutor(a.jobs) as ex:
        for name, raw, err in tqdm(ex.map(run, nbs), total=len(nbs), desc='notebooks', unit='nb'):
            if err: failed.append(err); continue
            (src/f'{name}.ipynb').write_text(json.dumps(page(raw)))
    if failed:
        print('\n\n'.join(failed), file=sys.stderr); print(f"error: {len(failed)} notebook(s) failed", file=sys.stderr); return 1
    chapters = [n.stem for n in nbs if n.stem != 'index']
    idx = json.loads((src/'index.ipynb').read_text())
    idx['cells'].append(dict(cell_type='markdown', id='toctree', metadata={}, source='\n'.join(
        ['```{toctree}', ':maxdepth: 1', ':caption: Notebooks', ''] + chapters + ['api', '```'])))
    (src/'index.ipynb').write_text(json.dumps(idx))
    (src/'api.md').write_text(api_page())
    r = subprocess.run([sys.executable, '-m', 'sphinx', '-b', 'html', '-W', '--keep-going', '-q', '-c', str(DOCS),
                        '-d', str(DOCS/'_build'/'doctrees'), str(src), str(site)])
    if r.returncode: print("error: sphinx failed (warnings are errors)", file=sys.stderr); return r.returncode
    problems = check_site(site, ['index', 'api', *chapters])
    for pr in problems: print(pr, file=sys.stderr)
    n_pages = len(list(site.rglob('*.html')))
    if problems: print(f"error: {len(problems)} broken link(s) or missing page(s) in {site}", file=sys.stderr); return 1
    print(f"docs: {n_pages} HTML pages in {site} ({len(chapters)} notebooks, API reference); internal links and assets checked")
    return 0

if __name__ == '__main__': sys.exit(main())
