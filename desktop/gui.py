"""Whether a native window can open here, asked before any GUI library is loaded."""

import socket
import sys


def display_problem(
    display: str | None, wayland_display: str | None, qpa_platform: str | None
) -> str | None:
    """Why no window can open on this screen, or None when one can."""
    if not sys.platform.startswith("linux") or wayland_display or qpa_platform:
        return None
    if not display:
        return "there is no display (DISPLAY is not set)"
    if not x_server_answers(display):
        return f"the display {display} does not answer"
    return None


def x_server_answers(display: str) -> bool:
    """Whether an X server listens for ``display`` (``:N``, ``host:N`` or ``unix:N``)."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    if host in ("", "unix"):
        family, address = socket.AF_UNIX, f"/tmp/.X11-unix/X{number}"
    else:
        family, address = socket.AF_INET, (host, 6000 + int(number))
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.settimeout(2)
        try:
            probe.connect(address)
        except OSError:
            return False
    return True


def backend_problem() -> str | None:
    """Why the web view library cannot load, or None when it can."""
    try:
        import webview  # noqa: F401

        if sys.platform.startswith("linux"):
            from PyQt6 import QtWebEngineWidgets  # noqa: F401
    except ImportError as error:
        return f"no usable web view backend could be loaded ({error})"
    return None
