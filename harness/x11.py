"""Act on real X windows the way a user and a window manager do."""

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from Xlib import X, display, protocol


@contextmanager
def virtual_screen(size: str = "1280x800x24") -> Iterator[str]:
    """Run Xvfb on a free display number; yield its name, like ``:1``."""
    if not shutil.which("Xvfb"):
        raise RuntimeError("Xvfb is missing: `make test` installs it.")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            size,
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=[write_end],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announcement:
            number = announcement.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start.")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


@dataclass
class Geometry:
    x: int
    y: int
    width: int
    height: int


class Screen:
    def __init__(self, name: str):
        self.name = name
        self.display = display.Display(name)
        self.root = self.display.screen().root

    def close(self) -> None:
        self.display.close()

    def find_window(self, title: str, timeout: float = 30):
        """The top-level window called ``title``, once it is mapped."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for window in self.root.query_tree().children:
                if (
                    window.get_wm_name() == title
                    and window.get_attributes().map_state == X.IsViewable
                ):
                    return window
            time.sleep(0.05)
        raise AssertionError(f"no window called {title!r} within {timeout}s")

    def geometry(self, window) -> Geometry:
        geometry = window.get_geometry()
        origin = window.translate_coords(self.root, 0, 0)
        return Geometry(-origin.x, -origin.y, geometry.width, geometry.height)

    def move_and_resize(self, window, geometry: Geometry) -> None:
        window.configure(x=geometry.x, y=geometry.y, width=geometry.width, height=geometry.height)
        self.display.sync()

    def ask_to_close(self, window) -> None:
        """Send WM_DELETE_WINDOW, as a window manager does when the user clicks close."""
        protocols = self.display.intern_atom("WM_PROTOCOLS")
        delete = self.display.intern_atom("WM_DELETE_WINDOW")
        event = protocol.event.ClientMessage(
            window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
        )
        window.send_event(event, event_mask=X.NoEventMask)
        self.display.sync()

    def type_into(self, window, text: str) -> None:
        """Type ``text`` and press Enter in ``window``, through the X server like a keyboard."""
        subprocess.run(
            ["xdotool", "windowfocus", "--sync", str(window.id), "type", "--delay", "30", text],
            env={"DISPLAY": self.name},
            check=True,
        )
        subprocess.run(["xdotool", "key", "Return"], env={"DISPLAY": self.name}, check=True)

    def press(self, window, *keys: str) -> None:
        """Press ``keys`` (xdotool names, like ``Tab`` or ``Return``) in ``window``, in order."""
        subprocess.run(
            ["xdotool", "windowfocus", "--sync", str(window.id), "key", "--delay", "50", *keys],
            env={"DISPLAY": self.name},
            check=True,
        )

    def screenshot(self, path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["import", "-window", "root", str(path)], env={"DISPLAY": self.name}, check=True
        )
