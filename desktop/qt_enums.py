"""Only the Qt enums the window uses by their short names, not all of them at every launch.

pywebview's Qt backend reaches Qt through qtpy. On PyQt6, qtpy copies every member of every
enum of QtCore, QtGui and QtWidgets onto its class, so that PyQt5's short names (such as
``Qt.WindowStaysOnTopHint`` for ``Qt.WindowType.WindowStaysOnTopHint``) still work: 1,246
enums made and 20,764 names set, on the GUI thread and holding the GIL, before the window can
start. pywebview's Qt backend uses the short names of five classes; qtpy's own PyQt6 shims, of
``Qt`` alone. Here qtpy copies those five classes' enums only.
"""

import enum
from types import ModuleType

# The classes whose enums pywebview's Qt backend (webview/platforms/qt.py) or qtpy's own
# shims name short, by module. tests/test_qt_enums.py checks that every name the backend uses
# is still there.
SHORT_NAMES = {
    "PyQt6.QtCore": ("Qt", "QEvent", "QFile"),
    "PyQt6.QtWidgets": ("QMessageBox", "QFileDialog"),
}


def copy_only_the_enums_the_window_uses() -> None:
    """Have qtpy copy the enums of SHORT_NAMES' classes only. Call it before pywebview loads
    its Qt backend; afterwards it changes nothing."""
    import qtpy.enums_compat

    qtpy.enums_compat.promote_enums = promote_enums


def promote_enums(module: ModuleType) -> None:
    """qtpy's ``promote_enums`` (qtpy/enums_compat.py), for ``module``'s classes in
    SHORT_NAMES: each member of each of their enums, also under its short name."""
    for class_name in SHORT_NAMES.get(module.__name__, ()):
        klass = getattr(module, class_name)
        for attribute in [name for name in dir(klass) if name[0].isupper()]:
            value = getattr(klass, attribute)
            if isinstance(value, enum.EnumMeta):
                for name, member in value.__members__.items():
                    setattr(klass, name, member)
