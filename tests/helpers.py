"""Helpers that act like a user of the app."""

import re
import socket

from harness.process import ROOT, AppProcess
from harness.x11 import Screen

DIST = ROOT / "dist"
EXECUTABLE = DIST / "flasky"  # the one file that `make dist` builds (the `frozen` fixture)
NOBODY = 65534  # the user id of `nobody`, to run the app as a user who is not root
# Before a command: start it with Ctrl-C ignored, as a shell without job control starts the
# commands it runs in the background.
IGNORING_CTRL_C = ["env", "--ignore-signal=INT"]


def csrf_token(client, path="/") -> str:
    """The CSRF token of the form on ``path``, as a browser would read it (``client``: Flask's
    test client, or desktop's AppClient of a running app)."""
    page = client.get(path).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def submit_name(client, name: str, **kwargs):
    return client.post("/", data={"name": name, "csrf_token": csrf_token(client)}, **kwargs)


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port`` of 127.0.0.1 any more."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def close_and_wait(screen: Screen, app: AppProcess) -> int:
    """Close the app's window as a user does; its exit status."""
    screen.ask_to_close(screen.find_window("Flasky"))
    return app.wait()
