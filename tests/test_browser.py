"""The widgets in a real browser: JupyterLab (headless Debian chromium, driven by playwright) runs the widgets
notebook, a slider is moved, and the figure must change. A screenshot is kept as an artifact.

Skips when chromium or playwright is missing (a user's machine), fails instead when LIPSYNC_REQUIRE_BROWSER=1 (CI)."""
import os, shutil, socket, subprocess, sys, time, json
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
ARTIFACTS = Path(os.environ.get('LIPSYNC_ARTIFACTS', ROOT/'tests'/'artifacts'))

def _need(ok, why):
    if ok: return
    if os.environ.get('LIPSYNC_REQUIRE_BROWSER') == '1': pytest.fail(f"browser test required but {why}")
    pytest.skip(why)

def _free_port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    _need(CHROMIUM is not None, "no chromium on PATH (apt-get install chromium)")
    try: import playwright.sync_api  # noqa
    except ImportError: _need(False, "playwright is not installed (pip install playwright)")
    root = tmp_path_factory.mktemp('lab')
    nb = json.loads((ROOT/'nbs'/'12_widgets.ipynb').read_text())             # a copy: autosave never touches nbs/
    nb['cells'] = [c for c in nb['cells'] if 'nbdev_export(' not in ''.join(c['source'])]   # export belongs to the project tree
    (root/'widgets.ipynb').write_text(json.dumps(nb))
    settings = root/'settings'/'@jupyterlab'/'notebook-extension'; settings.mkdir(parents=True)
    (settings/'tracker.jupyterlab-settings').write_text(json.dumps({'windowingMode': 'none'}))   # every cell in the DOM
    port, token = _free_port(), 'lipsync-test'
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root/'.jupyter'), JUPYTER_RUNTIME_DIR=str(root/'.runtime'))
    proc = subprocess.Popen([sys.executable, '-m', 'jupyterlab', '--no-browser', f'--port={port}', '--ip=127.0.0.1',
                             f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root}', '--LabApp.expose_app_in_browser=True',
                             f'--LabApp.user_settings_dir={root/"settings"}', f'--LabApp.workspaces_dir={root/"workspaces"}',
                             '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
                             '--ServerApp.allow_root=True'],
                            stdout=open(root/'lab.log', 'w'), stderr=subprocess.STDOUT, env=env, cwd=root)
    url = f'http://127.0.0.1:{port}'
    import urllib.request
    for _ in range(120):
        try: urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=2); break
        except Exception: time.sleep(0.5)
        if proc.poll() is not None: break
    else: pass
    if proc.poll() is not None: pytest.fail(f"jupyterlab did not start: {(root/'lab.log').read_text()[-2000:]}")
    yield url, token, root
    proc.terminate()
    try: proc.wait(20)
    except subprocess.TimeoutExpired: proc.kill()

NOTEBOOK = "window.jupyterapp.shell.currentWidget"                         # the notebook panel the page opened
KERNEL = NOTEBOOK + "?.sessionContext?.session?.kernel?.status"
# the distance explorer's own title: the first output area with a slider, brought into view (widgets render when their
# output is seen; run-all leaves the view at the last cell), never whichever plotly figure happens to be first on the page
TITLE = ("(() => { const o = [...document.querySelectorAll('.jp-OutputArea-output')].find(e => e.querySelector('.widget-slider'));"
         " if (!o) return null; o.scrollIntoView({block: 'center'}); const t = o.querySelector('.js-plotly-plot .gtitle');"
         " return t ? t.textContent : null; })()")

STATE = ("({kernel: " + KERNEL + " ?? null, prompts: [...document.querySelectorAll('.jp-InputArea-prompt')].map(e => e.textContent).join(' '),"
         " errors: [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]')].map(e => e.textContent.slice(-400))})")

def test_widgets_notebook_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright
    url, token, root = lab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
                                          '--disable-component-update', '--no-first-run'])
        page = browser.new_page(viewport={'width': 1400, 'height': 1000})
        try:
            page.goto(f'{url}/lab/tree/widgets.ipynb?token={token}', timeout=120_000)
            page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=120_000)
            # run-all before the notebook has a live kernel runs nothing (JupyterLab skips code cells without a
            # kernel), so wait for the session to be ready and its kernel idle; a loaded machine takes a while
            page.wait_for_function(f"{NOTEBOOK}?.sessionContext", timeout=120_000)
            page.evaluate(f"async () => {{ const w = {NOTEBOOK}; await w.context.ready; await w.sessionContext.ready; }}")
            page.wait_for_function(f"({KERNEL}) === 'idle'", timeout=180_000)
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            # the first cell must start running; if it does not, say so rather than waiting on the figure
            page.wait_for_function(f"({KERNEL}) === 'busy' || [...document.querySelectorAll('.jp-InputArea-prompt')].some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))", timeout=60_000)
            # the distance explorer: its slider and its figure appear once the cell has run
            page.wait_for_function(f"({TITLE} || '').startsWith('window 5')", timeout=300_000, polling=500)
            explorer = page.locator('.jp-OutputArea-output').filter(has=page.locator('.widget-slider')).first
            explorer.scroll_into_view_if_needed()
            before = page.evaluate(TITLE)
            handle = page.locator('.widget-slider .noUi-handle, .widget-slider [role=slider]').first
            handle.focus(); handle.press('ArrowRight'); handle.press('ArrowRight')
            page.wait_for_function(f"({TITLE} || '').startsWith('window 7')", timeout=60_000, polling=500)   # two steps right
            after = page.evaluate(TITLE)
            assert after != before and after.startswith('window 7'), (before, after)
            page.wait_for_timeout(500)
            shot = ARTIFACTS/'widgets_distance_explorer.png'
            explorer.screenshot(path=str(shot))
            page.screenshot(path=str(ARTIFACTS/'widgets_jupyterlab.png'))
            # the other explorers, each in its own output area: attention (sliders + figure), paths (scrubber), the players
            outputs = page.locator('.jp-OutputArea-output')
            def shot_of(loc, name):
                loc = loc.first; loc.scroll_into_view_if_needed(); page.wait_for_timeout(500); loc.screenshot(path=str(ARTIFACTS/name))
            page.wait_for_function("document.querySelectorAll('.jp-OutputArea-output video').length >= 2", timeout=300_000)
            cells = page.locator('.jp-Notebook .jp-Cell')
            for i in range(cells.count()):                      # widgets render when their output is first seen
                cells.nth(i).scroll_into_view_if_needed(); page.wait_for_timeout(100)
            page.wait_for_timeout(1000)
            n_sliders = page.evaluate("document.querySelectorAll('.jp-OutputArea-output .widget-slider').length")
            diag = page.evaluate("[...document.querySelectorAll('[class*=slider]')].map(e => e.className).slice(0, 12).join(' | ')")
            assert n_sliders >= 4, (n_sliders, diag)            # distance (1), attention (2), path (1)
            live = outputs.filter(has=page.locator('.widget-slider'))
            shot_of(live.filter(has_text='decoding step'), 'widgets_attention_explorer.png')
            shot_of(live.filter(has_text=' shows '), 'widgets_path_explorer.png')
            shot_of(outputs.filter(has=page.locator('video')), 'widgets_before_after.png')
            print(f"screenshots: {shot}")
            assert shot.stat().st_size > 10_000
        except Exception:
            page.screenshot(path=str(ARTIFACTS/'widgets_failure.png'))
            # what the notebook was doing: the kernel's state, each cell's prompt, any error it printed
            try: state = page.evaluate(STATE)
            except Exception as e: state = f"unreadable ({e})"               # never hide the failure itself
            print(f"notebook state at the failure: {state}\njupyterlab log: {(root/'lab.log').read_text()[-3000:]}")
            raise
        finally: browser.close()
