from desktop.links import Destination, destination

APP = "http://127.0.0.1:5123/?token=abc"


def test_the_apps_own_pages_stay_in_the_window():
    for url in ("http://127.0.0.1:5123/", "http://127.0.0.1:5123/tour#notes", "about:blank"):
        assert destination(url, APP) is Destination.WINDOW


def test_other_web_pages_open_in_the_browser():
    for url in (
        "https://flask.palletsprojects.com/",
        "http://127.0.0.1:5124/",  # another port: another program
        "https://127.0.0.1:5123/",
        "http://localhost.example.com:5123/",
    ):
        assert destination(url, APP) is Destination.BROWSER


def test_other_schemes_are_not_followed():
    # (Qt's web engine hands a clicked mailto: link to the system before it gets here.)
    for url in ("mailto:miguel@example.com", "file:///etc/passwd", "ftp://example.com/", "x:y"):
        assert destination(url, APP) is Destination.NOWHERE
