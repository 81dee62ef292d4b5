"Sphinx configuration of the offline docs site (`python docs/build.py`); the pages themselves are made by build.py."
import os, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

project = 'lipsync_nb'
author = 'lipsync_nb developers'
copyright = '2026, lipsync_nb developers'
extensions = ['myst_nb', 'sphinx.ext.autodoc', 'sphinx.ext.viewcode']
nb_execution_mode = 'off'                   # build.py executed the notebooks (outputs, plotly HTML) already
nb_output_stderr = 'remove'
myst_enable_extensions = ['dollarmath']
suppress_warnings = ['mystnb.unknown_mime_type', 'misc.highlighting_failure']
exclude_patterns = ['_build', '**.ipynb_checkpoints']
html_theme = 'furo'
html_title = 'lipsync_nb'
html_static_path = [str(ROOT/'docs'/'_build'/'src'/'_static')]   # plotly.min.js, copied there by build.py
html_js_files = ['plotly.min.js']           # served once from the site, not embedded in every page
html_css_files = ['wrap.css']               # code lines wrap on the page instead of being cut (build.py writes it)
autodoc_member_order = 'bysource'
autodoc_typehints = 'signature'
autodoc_default_options = {'members': True, 'undoc-members': False, 'show-inheritance': False}
