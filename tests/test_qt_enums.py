"""The Qt enums the window uses by their short names (desktop/qt_enums.py): qtpy copies only
those, and every short name pywebview's Qt backend uses is still there."""

import json
import subprocess
import sys

import pytest

from harness.process import ROOT

# In a fresh interpreter: load pywebview's Qt backend, with qtpy copying every enum ("all") or
# only the window's ("the window's"). Then, in the backend's source:
# - "found", "missing": each name of a Qt class it names from its module (``QMessageBox.Ok``,
#   ``QtCore.Qt.WindowStaysOnTopHint``), resolved or not;
# - "left out": the short names that only qtpy's copying gives, of the classes the window
#   leaves out, that it uses as an attribute of anything but a module: also where the first
#   check cannot follow (a local import, an alias, an instance).
BACKEND_NAMES = """
import ast, enum, json, sys, types
from PyQt6 import QtCore, QtGui, QtWidgets, sip  # first, as the launch does: qtpy uses PyQt6
from desktop.qt_enums import SHORT_NAMES, copy_only_the_enums_the_window_uses

def short_names(klass):
    own = set(dir(klass))
    enums = [getattr(klass, name) for name in own if name[0].isupper()]
    return {
        member
        for kind in enums if isinstance(kind, enum.EnumMeta)
        for member in kind.__members__ if member not in own
    }

kept, left_out = set(), set()  # read before qtpy copies any
for module in (QtCore, QtGui, QtWidgets):
    for name in dir(module):
        klass = getattr(module, name)
        if isinstance(klass, sip.wrappertype):
            chosen = name in SHORT_NAMES.get(module.__name__, ())
            (kept if chosen else left_out).update(short_names(klass))
if sys.argv[1] == "the window's":
    copy_only_the_enums_the_window_uses()
import webview.platforms.qt as backend

def resolve(node):
    if isinstance(node, ast.Name):
        return getattr(backend, node.id)
    if isinstance(node, ast.Attribute):
        return getattr(resolve(node.value), node.attr)
    raise LookupError(node)

def is_module(node):
    found = isinstance(node, ast.Name) and getattr(backend, node.id, None)
    return isinstance(found, types.ModuleType)

with open(backend.__file__, encoding="utf-8") as source:
    tree = ast.parse(source.read())
attributes = [node for node in ast.walk(tree) if isinstance(node, ast.Attribute)]
names = {"found": set(), "missing": set()}
for node in attributes:
    try:
        base = resolve(node.value)
    except (AttributeError, LookupError):  # not a name of the module's (self.view, ...)
        continue
    if isinstance(base, sip.wrappertype):
        names["found" if hasattr(base, node.attr) else "missing"].add(ast.unparse(node))
used = {node.attr for node in attributes if not is_module(node.value)}
print(json.dumps({
    **{key: sorted(value) for key, value in names.items()},
    "left out": sorted(used & (left_out - kept)),
    "elsewhere": hasattr(QtWidgets.QSizePolicy, "Expanding"),  # a class the window never names
}))
"""


def backend_names(enums: str) -> dict:
    return json.loads(
        subprocess.run(
            [sys.executable, "-c", BACKEND_NAMES, enums],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


@pytest.fixture(scope="module")
def every() -> dict:
    return backend_names("all")


@pytest.fixture(scope="module")
def the_windows() -> dict:
    return backend_names("the window's")


def test_every_short_name_the_window_backend_uses_is_still_there(every, the_windows):
    assert "QtCore.Qt.WindowStaysOnTopHint" in every["found"]  # the check sees short names
    assert the_windows["found"] == every["found"]
    assert the_windows["missing"] == every["missing"]


def test_the_backend_names_no_short_name_of_a_class_left_out(the_windows):
    assert the_windows["left out"] == []


def test_the_enums_of_classes_the_window_does_not_name_are_not_copied(every, the_windows):
    assert every["elsewhere"]
    assert not the_windows["elsewhere"]
