"""The Qt enums the window uses by their short names (desktop/qt_enums.py): qtpy copies only
those, and every short name pywebview's Qt backend uses is still there."""

import json
import subprocess
import sys

from harness.process import ROOT

# In a fresh interpreter: load pywebview's Qt backend, with qtpy copying every enum ("all") or
# only the window's ("the window's"), then resolve each name of a Qt class that the backend's
# source names (``QMessageBox.Ok``, ``QtCore.Qt.WindowStaysOnTopHint``): found or missing.
BACKEND_NAMES = """
import ast, json, sys
from PyQt6 import QtWidgets, sip  # imported first, as the launch does: qtpy then uses PyQt6
if sys.argv[1] == "the window's":
    from desktop.qt_enums import copy_only_the_enums_the_window_uses
    copy_only_the_enums_the_window_uses()
import webview.platforms.qt as backend

def resolve(node):
    if isinstance(node, ast.Name):
        return getattr(backend, node.id)
    if isinstance(node, ast.Attribute):
        return getattr(resolve(node.value), node.attr)
    raise LookupError(node)

names = {"found": set(), "missing": set()}
with open(backend.__file__, encoding="utf-8") as source:
    tree = ast.parse(source.read())
for node in ast.walk(tree):
    if isinstance(node, ast.Attribute):
        try:
            base = resolve(node.value)
        except (AttributeError, LookupError):  # not a name of the module's (self.view, ...)
            continue
        if isinstance(base, sip.wrappertype):
            names["found" if hasattr(base, node.attr) else "missing"].add(ast.unparse(node))
print(json.dumps({
    **{key: sorted(value) for key, value in names.items()},
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


def test_every_short_name_the_window_backend_uses_is_still_there():
    every, the_windows = backend_names("all"), backend_names("the window's")
    assert "QtCore.Qt.WindowStaysOnTopHint" in every["found"]  # the check sees short names
    assert the_windows["found"] == every["found"]
    assert the_windows["missing"] == every["missing"]  # what qtpy never gave (WebEngine's)


def test_the_enums_of_classes_the_window_does_not_name_are_not_copied():
    assert backend_names("all")["elsewhere"]
    assert not backend_names("the window's")["elsewhere"]
