"""The code's layers run one way: webapp <- desktop <- freeze, harness <- bench; tests may use
anything and nothing uses tests. Checked by reading every import, in functions too."""

import ast
from pathlib import Path

import pytest

from harness.process import ROOT

# Each top-level package (or file) and the project packages it may import.
MAY_IMPORT = {
    "webapp": set(),
    "desktop": {"webapp"},
    "main.py": {"desktop"},
    "freeze": {"desktop", "webapp"},
    "build.spec": {"desktop", "freeze"},
    "harness": {"desktop", "webapp"},
    "bench": {"harness", "freeze", "desktop", "webapp"},
}
PROJECT_PACKAGES = {"webapp", "desktop", "freeze", "harness", "bench", "tests"}


def project_imports(path: Path) -> set[str]:
    """The project's top-level packages that the file at ``path`` imports."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    return imported & PROJECT_PACKAGES


def files_of(layer: str) -> list[Path]:
    path = ROOT / layer
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


@pytest.mark.parametrize("layer", MAY_IMPORT)
def test_each_layer_imports_only_the_layers_below_it(layer):
    wrong = {
        file.relative_to(ROOT).as_posix(): sorted(imported - MAY_IMPORT[layer] - {layer})
        for file in files_of(layer)
        if (imported := project_imports(file)) - MAY_IMPORT[layer] - {layer}
    }
    assert wrong == {}


def test_the_allowed_imports_have_no_cycle():
    for layer in MAY_IMPORT:
        reached, frontier = set(), set(MAY_IMPORT[layer])
        while frontier:
            reached |= frontier
            frontier = set().union(*(MAY_IMPORT.get(lower, set()) for lower in frontier)) - reached
        assert layer not in reached


def test_every_package_is_in_a_layer():
    packages = {path.parent.name for path in ROOT.glob("*/*.py")} - {"build", "dist", "tests"}
    assert packages <= set(MAY_IMPORT)


def test_no_test_module_imports_another():
    """What tests share lives in conftest.py, helpers.py and harness/, not in a test module."""
    importing = []
    for file in sorted((ROOT / "tests").rglob("test_*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(alias.name for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(name.split(".")[-1].startswith("test_") for name in names):
                importing.append(file.relative_to(ROOT).as_posix())
    assert importing == []
