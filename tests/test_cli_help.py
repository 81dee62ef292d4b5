"""`lipsync_nb --help` and every subcommand's `--help` answer without importing the heavy libraries (issue: a CLI
that answers at once). Checked by what is imported, not by a clock."""
import subprocess, sys
import pytest

HEAVY = ('torch', 'cv2', 'av', 'librosa', 'dlib', 'hama', 'scipy', 'plotly')
PROBE = """
import sys, contextlib, io
from lipsync_nb.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try: main({argv!r})
    except SystemExit as e: assert e.code == 0, e.code
assert 'usage: lipsync_nb' in out.getvalue()
print(' '.join(m for m in {heavy!r} if m in sys.modules))
"""

@pytest.mark.parametrize('argv', [['--help'], ['preprocess', '--help'], ['align', '--help'], ['evaluate', '--help'],
                                  ['train', '--help'], ['bench', '--help']])
def test_help_imports_nothing_heavy(argv):
    r = subprocess.run([sys.executable, '-c', PROBE.format(argv=argv, heavy=HEAVY)], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == '', f"`lipsync_nb {' '.join(argv)}` imported {r.stdout.strip()}"
