"""The package's shape (the restructuring issue): layers point one way, fixtures live in `lipsync_nb.testing` only,
imports sit at the top of each module, and no exported notebook cell is longer than 40 lines."""
import ast, importlib, json
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT/'lipsync_nb'
MODULES = sorted(p.stem for p in PKG.glob('*.py') if not p.stem.startswith('_'))
FIXTURES = ('lesson_clip', 'make_test_video', 'make_test_audio', 'expected_indices', 'paint_index', 'read_index', 'known_retiming',
            'toy_clip', 'synthetic_distances', 'train_on_distances')
LAZY = {'cli': "imports what a command needs inside it, so that `--help` answers at once (test_cli_help)",
        'core': "imports torch only inside the two functions that need it, because the CLI imports core for `--help`"}

def imports_of(module:str) -> list[tuple[str, bool]]:
    "The package modules `module` imports, each with whether the import sits inside a function."
    tree = ast.parse((PKG/f'{module}.py').read_text()); out = []
    def visit(node, nested):
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom):
                name = child.module or ''
                if child.level == 1: out.append((name.split('.')[0] or '__init__', inner))
                elif name.startswith('lipsync_nb.'): out.append((name.split('.')[1], inner))
                elif name == 'lipsync_nb': out.append(('__init__', inner))
            elif isinstance(child, ast.Import):
                out.extend((a.name.split('.')[1], inner) for a in child.names if a.name.startswith('lipsync_nb.'))
            visit(child, inner)
    visit(tree, False)
    return [(m, inner) for m, inner in out if m != '__init__']

def test_no_import_cycle():
    "Every import between the package's modules, at any depth (lazy ones included), points one way."
    graph = {m: sorted({d for d, _ in imports_of(m)}) for m in MODULES}
    state, stack = {}, []
    def dfs(m):
        state[m] = 'open'; stack.append(m)
        for d in graph[m]:
            if state.get(d) == 'open': pytest.fail('import cycle: ' + ' → '.join(stack[stack.index(d):] + [d]))
            if d not in state: dfs(d)
        state[m] = 'done'; stack.pop()
    for m in MODULES:
        if m not in state: dfs(m)

def test_the_user_job_sits_above_the_stages():
    "align (the user's job) imports inference, baselines and adapt; none of them imports align or evaluation."
    deps = lambda m: {d for d, _ in imports_of(m)}
    assert {'inference', 'baselines', 'adapt'} <= deps('align')
    for low in ('inference', 'baselines', 'adapt', 'autoencoder', 'encoders'):
        assert not deps(low) & {'align', 'evaluation', 'widgets', 'cli', 'training'}, (low, deps(low))

def test_imports_at_the_top():
    "Function-level imports only where `LAZY` says why (the CLI's fast --help)."
    for m in MODULES:
        if m in LAZY: continue
        tree = ast.parse((PKG/f'{m}.py').read_text())
        lazy = [f'{m}.py:{n.lineno}' for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))]
        assert not lazy, f"imports inside functions: {lazy}"

def test_fixtures_only_in_testing():
    "Test fixtures and lesson helpers are importable from `lipsync_nb.testing` and from no other module, and the pipeline never imports it."
    testing = importlib.import_module('lipsync_nb.testing')
    for name in FIXTURES[:7]: assert hasattr(testing, name), name
    for m in MODULES:
        if m == 'testing': continue
        mod = importlib.import_module(f'lipsync_nb.{m}')
        assert not [n for n in FIXTURES if hasattr(mod, n)], (m, [n for n in FIXTURES if hasattr(mod, n)])
        assert 'testing' not in {d for d, _ in imports_of(m)}, m

def export_cells():
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        for i, c in enumerate(json.loads(nb.read_text())['cells']):
            src = ''.join(c['source'])
            if c['cell_type'] == 'code' and src.lstrip().startswith(('#| export', '#|export')): yield nb.name, i, src

def test_export_cells_are_short():
    "One idea per exported cell: none longer than 40 lines."
    long = [(nb, i, len(src.splitlines())) for nb, i, src in export_cells() if len(src.splitlines()) > 40]
    assert not long, f"export cells over 40 lines (notebook, cell, lines): {long}"

def test_cell_ids_are_unique():
    "nbdev and the docs name cells by id: no notebook repeats one."
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        ids = [c.get('id') for c in json.loads(nb.read_text())['cells']]
        assert len(ids) == len(set(ids)), (nb.name, sorted({i for i in ids if ids.count(i) > 1}))
