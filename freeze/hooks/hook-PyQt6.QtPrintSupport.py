"""QtPrintSupport, which the web engine links, without the CUPS printing plugin: the app
never prints, and the plugin would bring CUPS, Avahi, GnuTLS and Kerberos.

Overrides PyInstaller's hook of the same name (see hook-PyQt6.QtGui.py).
"""

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [
    (source, destination) for source, destination in binaries if "printsupport" not in source
]
