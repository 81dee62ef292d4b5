"""pytest runs every notebook in nbs/ as one test item: a failure names the notebook and the cell.

Cells marked with a flag from settings.ini's `tst_flags` (`#| slow`, `#| cuda`) or `#| eval: false` are skipped,
as `nbdev_test` does; `pytest --nb-flags slow` runs the slow ones too.
"""
import os
from configparser import ConfigParser
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent

def pytest_configure(config):
    # each xdist worker gets its share of the cores: two torch processes with two threads each on two cores spin
    # against each other (the notebooks that train ran 10x slower side by side)
    n = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1'))
    if n > 1:
        threads = max(1, (os.cpu_count() or 1) // n)
        os.environ.setdefault('OMP_NUM_THREADS', str(threads))
        import torch
        torch.set_num_threads(threads)

def pytest_addoption(parser):
    parser.addoption('--nb-flags', default='', help='space-separated notebook test flags to run (e.g. "slow")')

def pytest_collect_file(parent, file_path):
    if file_path.suffix == '.ipynb' and file_path.parent.name == 'nbs' and not file_path.name.startswith('_'):
        return NotebookFile.from_parent(parent, path=file_path)

class NotebookFile(pytest.File):
    def collect(self):
        yield NotebookItem.from_parent(self, name=self.path.stem)

class NotebookCellError(Exception):
    pass

def settings_flags() -> set:
    "The notebook test flags of settings.ini (`tst_flags`): cells marked with one are skipped unless asked for."
    cfg = ConfigParser(); cfg.read(ROOT/'settings.ini')
    return set(cfg['DEFAULT'].get('tst_flags', '').split())

def _skip_flags(config):
    return settings_flags() - set(config.getoption('--nb-flags').split())

def run_notebook(path, skip:set):
    "Run a notebook's code cells in order as the tests do (export call, `eval: false` and `skip`-flagged cells left out).\n\n"
    "Yields (index, cell, outputs) per cell run; stops with `NotebookCellError` naming the notebook and cell."
    from execnb.shell import CaptureShell, format_exc
    from nbdev.process import NBProcessor
    from fastcore.xtras import working_directory
    path = Path(path)
    nb = NBProcessor(path, process=True).nb
    shell = CaptureShell(path)
    with working_directory(path.parent):
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != 'code' or 'nbdev_export(' in cell.source: continue
            direc = getattr(cell, 'directives_', {}) or {}
            if direc.get('eval:', [''])[0].lower() == 'false' or skip & direc.keys(): continue
            outs = shell.run(cell.source)
            if shell.exc is not None:
                raise NotebookCellError(f"{path.name}, cell {i}:\n{cell.source}\n\n" + ''.join(format_exc(shell.exc)))
            yield i, cell, outs

class NotebookItem(pytest.Item):
    def runtest(self):
        os.environ['IN_TEST'] = '1'
        for _ in run_notebook(self.path, _skip_flags(self.config)): pass

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, NotebookCellError): return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"notebook {self.path.name}"
