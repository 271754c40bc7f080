"""Qt GUI plugins for a window on X11 or Wayland; the rest stays out of the bundle.

Overrides PyInstaller's hook of the same name: a plugin left out here never has its libraries
collected (the GTK 3 platform theme alone would bring GTK, Cairo and Pango).
"""

from fnmatch import fnmatchcase
from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

# Plugins by folder and name, without "lib" and the extension (.so, .dll, .dylib).
UNUSED_PLUGINS = [
    "egldeviceintegrations/*",  # full-screen embedded displays
    "generic/*",  # raw input devices, for the same
    "imageformats/*",  # Qt decodes only the window icon (SVG): the web engine has its own
    "platforms/*",  # but the desktop's own windows, below
    "platformthemes/qgtk3",
]
USED_PLUGINS = [
    "imageformats/qsvg",
    "platforms/qxcb",  # X11
    "platforms/qwayland",
    "platforms/qwindows",
    "platforms/qcocoa",  # macOS
]


def used(source: str) -> bool:
    path = Path(source)
    plugin = f"{path.parent.name}/{path.stem.removeprefix('lib')}"
    if any(fnmatchcase(plugin, pattern) for pattern in USED_PLUGINS):
        return True
    return not any(fnmatchcase(plugin, pattern) for pattern in UNUSED_PLUGINS)


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, destination) for source, destination in binaries if used(source)]
