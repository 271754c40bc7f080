"""QtNetwork without its network-status plugins: the app only talks to its own server.

Overrides PyInstaller's hook of the same name (see hook-PyQt6.QtGui.py).
"""

from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies, pyqt6_library_info

UNUSED_PLUGINS = ["networkinformation/*"]

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [
    (source, destination)
    for source, destination in binaries
    if not any(Path(source).match(pattern) for pattern in UNUSED_PLUGINS)
]
binaries += pyqt6_library_info.collect_qtnetwork_files()
