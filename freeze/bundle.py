"""What the build may contain, and a check of a built folder and one file against it.

Anything else fails the build: a library that slipped in from the build machine (GTK through
Qt's platform theme plugin, CUPS through the print plugin, Qt Quick's QML files) is caught here
rather than shipped. Run it with the build environment's Python:
``python -m freeze.bundle dist/flasky-onedir dist/flasky``.
"""

import sys
from fnmatch import fnmatchcase
from pathlib import Path

QT = "PyQt6/Qt6/"

# Patterns (fnmatch: * also matches /) over the names of the folder's files (under _internal)
# and of the entries in its executable's archive and in the one file's.
ALLOWED_FILES = [
    # PyInstaller's own start-up code, the app's entry point and the one file's (front.py)
    "pyiboot01_bootstrap",
    "pyimod0[1-4]_*",
    "pyi_rth_*",
    "struct",
    "main",
    "front",
    "zstandard/*.so",  # the one file's decompressor
    "base_library.zip",
    "PYZ.pyz",
    # the app's pages: templates, static files and the web app's sources (for "view source")
    "webapp/templates/*.html",
    "webapp/static/*.css",
    "webapp/static/*.js",  # the app's own scripts (moment.js is the one vendored, below)
    "webapp/static/flasky.svg",
    "webapp/static/vendor/moment/*",
    "webapp/*.py",
    "flask_bootstrap/templates/base/*.html",
    "flask_bootstrap/templates/bootstrap5/*.html",
    "flask_bootstrap/static/bootstrap5/css/bootstrap.min.css",
    "flask_bootstrap/static/bootstrap5/js/bootstrap*.min.js",
    "flask_bootstrap/static/bootstrap5/umd/popper.min.js",
    "webview/js/*.js",  # pywebview's bridge, injected into the page
    # package metadata that importlib.metadata reads (versions in the About box), and licenses;
    # not RECORD, which build.spec leaves out: its hash of Flask's console script depends on
    # the build virtualenv's path
    *(
        f"{package}-*.dist-info/{name}"
        for package in ["click", "flask", "itsdangerous", "markupsafe", "pywebview", "werkzeug"]
        for name in [
            "METADATA",
            "WHEEL",
            "INSTALLER",
            "REQUESTED",
            "entry_points.txt",
            "top_level.txt",
            "LICENSE*",
            "licenses/*",
        ]
    ),
    # Python: the interpreter and the standard library's extension modules
    "libpython3.*.so*",
    "python3.*/lib-dynload/*.so",
    "markupsafe/_speedups.*.so",
    # Qt: the modules pywebview's Qt backend uses, and the libraries they link
    "PyQt6/sip.*.so",
    *(
        f"PyQt6/Qt{module}.abi3.so"
        for module in [
            "Core",
            "Gui",
            "Network",
            "OpenGL",
            "PrintSupport",
            "WebChannel",
            "WebEngineCore",
            "WebEngineWidgets",
            "Widgets",
        ]
    ),
    *(
        f"{prefix}libQt6{module}.so.6"
        for prefix in (QT + "lib/", "")  # the libraries, and links to them at the top
        for module in [
            "Core",
            "DBus",
            "Gui",
            "Network",
            "OpenGL",
            "Positioning",
            "PrintSupport",
            "Qml",
            "QmlMeta",
            "QmlModels",
            "QmlWorkerScript",
            "Quick",
            "QuickWidgets",
            "Svg",
            "WaylandClient",
            "WebChannel",
            "WebEngineCore",
            "WebEngineWidgets",
            "Widgets",
            "WlShellIntegration",
            "XcbQpa",
        ]
    ),
    QT + "lib/libicu*.so.*",
    "libicu*.so.*",
    # Qt Web Engine's helper process and its data: resources, and the en-US locale only
    QT + "libexec/QtWebEngineProcess",
    QT + "libexec/qt.conf",
    QT + "resources/icudtl.dat",
    QT + "resources/v8_context_snapshot.bin",
    QT + "resources/qtwebengine_resources*.pak",
    QT + "translations/qtwebengine_locales/en-US.pak",
    # Qt plugins: X11 and Wayland windows, input methods, the SVG icon, the desktop portal
    QT + "plugins/platforms/libqxcb.so",
    QT + "plugins/platforms/libqwayland.so",
    QT + "plugins/xcbglintegrations/*.so",
    QT + "plugins/wayland-*/*.so",
    QT + "plugins/platforminputcontexts/*.so",
    QT + "plugins/platformthemes/libqxdgdesktopportal.so",
    QT + "plugins/imageformats/libqsvg.so",
    QT + "plugins/iconengines/libqsvgicon.so",
    QT + "plugins/tls/*.so",
    # System libraries the above link, taken from the build machine: X11 and XCB, fonts,
    # sound, NSS (the web engine's certificates), D-Bus, compression, C++ runtime
    "libX*.so.*",
    "libxcb*.so.*",
    "libxkb*.so.*",
    "libgbm.so.*",
    "libfontconfig.so.*",
    "libfreetype.so.*",
    "libpng16.so.*",
    "libexpat.so.*",
    "libasound.so.*",
    "libnss*.so*",
    "libnspr4.so",
    "libplc4.so",
    "libplds4.so",
    "libsmime3.so",
    "libsoftokn3.so",
    "libfreebl*.so",
    "lib*.chk",  # NSS's checksums of its crypto libraries
    "libsqlite3.so.*",
    "libdbus-1.so.*",
    "libsystemd.so.*",
    "libudev.so.*",
    "libcap.so.*",
    "libgcrypt.so.*",
    "libgpg-error.so.*",
    "libglib-2.0.so.*",
    "libgthread-2.0.so.*",
    "libpcre2-8.so.*",
    "libz.so.*",
    "libbz2.so.*",
    "liblzma.so.*",
    "liblz4.so.*",
    "libzstd.so.*",
    "libbrotli*.so.*",
    "libffi.so.*",
    "libuuid.so.*",
    "libbsd.so.*",
    "libmd.so.*",
    "libreadline.so.*",
    "libtinfo.so.*",
    "libssl.so.*",
    "libcrypto.so.*",
    "libgssapi_krb5.so.*",
    "libkrb5*.so.*",
    "libk5crypto.so.*",
    "libcom_err.so.*",
    "libkeyutils.so.*",
    "libstdc++.so.*",
    "libgcc_s.so.*",
]

# Top-level Python packages besides the standard library.
ALLOWED_PACKAGES = [
    "PyQt6",
    "blinker",
    "bottle",
    "click",
    "desktop",
    "flask",
    "flask_bootstrap",
    "flask_moment",
    "flask_wtf",
    "freeze",  # the one file's program: front.py, onefile.py and the modules they import
    "itsdangerous",
    "jinja2",
    "markupsafe",
    "packaging",
    "platformdirs",
    "proxy_tools",
    "qtpy",
    "six",  # python-xlib's
    "typing_extensions",
    "waitress",
    "webapp",
    "webview",
    "werkzeug",
    "wtforms",
    "Xlib",  # the one file's splash window (freeze/splash.py), imported at a first launch only
    "zstandard",
]
# Standard library parts a desktop build does not need (tkinter would bring Tcl/Tk).
UNWANTED_STANDARD_LIBRARY = ["tkinter", "turtle", "idlelib", "unittest", "test", "ensurepip"]


def unexpected_files(names: list[str]) -> list[str]:
    """The archive names that no pattern of ``ALLOWED_FILES`` allows."""
    return [name for name in names if not any(fnmatchcase(name, p) for p in ALLOWED_FILES)]


def unexpected_packages(modules: list[str]) -> list[str]:
    """The top-level packages of ``modules`` that are neither allowed nor standard."""
    allowed = (set(sys.stdlib_module_names) | set(ALLOWED_PACKAGES)) - set(
        UNWANTED_STANDARD_LIBRARY
    )
    top_level = {module.split(".")[0] for module in modules}
    return sorted(
        name
        for name in top_level
        if name not in allowed and not name.startswith(("_pyi_rth", "_sysconfigdata_"))
    )


def archive_contents(executable: Path) -> tuple[list[str], list[str]]:
    """The file names in a PyInstaller executable's archive, and the modules in its PYZ."""
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(executable))
    modules = archive.open_embedded_archive("PYZ.pyz").toc
    return list(archive.toc), list(modules)


def folder_sizes(folder: Path) -> dict[str, int]:
    """The size of each file in a folder build, by its name under ``_internal``."""
    internal = folder / "_internal"
    return {
        path.relative_to(internal).as_posix(): path.lstat().st_size
        for path in sorted(internal.rglob("*"))
        if not path.is_dir() or path.is_symlink()
    }


def main(arguments: list[str]) -> int:
    """Check the folder build and the one file (``FOLDER ONE_FILE``) against the allow-list."""
    folder, one_file = map(Path, arguments)
    files, modules = list(folder_sizes(folder)), []
    for executable in [folder / "flasky", one_file]:
        archive_files, archive_modules = archive_contents(executable)
        files += archive_files
        modules += archive_modules
    unexpected = unexpected_files(files) + unexpected_packages(modules)
    for name in unexpected:
        print(f"not in the allow-list of freeze/bundle.py: {name}", file=sys.stderr)
    print(f"{one_file}: {len(files)} files, {len(modules)} modules, {len(unexpected)} unexpected")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
