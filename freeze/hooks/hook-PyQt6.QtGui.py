"""Qt GUI plugins for a window on X11 or Wayland; the rest stays out of the bundle.

Overrides PyInstaller's hook of the same name: a plugin left out here never has its libraries
collected (the GTK 3 platform theme alone would bring GTK, Cairo and Pango).
"""

from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

UNUSED_PLUGINS = [
    "egldeviceintegrations/*",  # full-screen embedded displays
    "generic/*",  # raw input devices, for the same
    "imageformats/*",  # Qt decodes only the window icon (SVG): the web engine has its own
    "platforms/*",  # but X11 and Wayland, below
    "platformthemes/libqgtk3.so",
]
USED_PLUGINS = ["imageformats/libqsvg.so", "platforms/libqxcb.so", "platforms/libqwayland.so"]


def used(source: str) -> bool:
    plugin = Path(source)
    if any(plugin.match(pattern) for pattern in USED_PLUGINS):
        return True
    return not any(plugin.match(pattern) for pattern in UNUSED_PLUGINS)


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, destination) for source, destination in binaries if used(source)]
