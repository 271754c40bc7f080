from importlib.metadata import version

from desktop import __version__
from desktop.window import about_text


def test_about_names_the_versions_and_the_licences():
    text = about_text("Qt 6.11")
    for expected in (
        f"Flasky Desktop {__version__}",
        f"Flask {version('flask')}",
        f"pywebview {version('pywebview')}",
        "Qt 6.11",
        "MIT licence",
        "LGPL-3.0",
    ):
        assert expected in text
