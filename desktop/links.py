"""Where a page the window is asked to load should open: the app's own pages stay in the window,
other web pages open in the system's browser, and anything else is not followed: none of them
ever takes the window away from the app.

Links of other schemes (``mailto:``, ``tel:``, ``ftp:``, a scheme some program registered) do not
come here: Qt's web engine hands one the user clicked to the system's program for it (the mail
program for ``mailto:``) and refuses one a script starts (its unknown-scheme policy, which
desktop/native.py sets); ``file:`` pages are refused by the engine to web pages."""

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
# What the window itself loads that is not a web page: pywebview's blank first page, Qt's data.
WINDOW_SCHEMES = ("about", "data", "blob")


class Destination(Enum):
    WINDOW = "window"  # one of the app's pages
    BROWSER = "browser"  # another site: the system's web browser
    NOWHERE = "nowhere"  # not followed (and logged)


def destination(url: str, app_url: str) -> Destination:
    """Where ``url`` should open, for a window that shows the app served at ``app_url``."""
    target, app = urlsplit(url), urlsplit(app_url)
    scheme = target.scheme.lower()
    if scheme in WINDOW_SCHEMES:
        return Destination.WINDOW
    if scheme not in WEB_SCHEMES:
        return Destination.NOWHERE
    if (scheme, target.hostname, target.port) == (app.scheme, app.hostname, app.port):
        return Destination.WINDOW
    return Destination.BROWSER


@dataclass(frozen=True)
class AppPlaces:
    """Where the window's commands lead: the app's pages, and the user's files they open."""

    home_url: str  # the launch's entry URL: it lets the window in even with no cookie left
    tour_url: str
    log_folder: Path
    kept_session: Path  # the session the keeper hands back at the entry (desktop/keeper.py)
