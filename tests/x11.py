"""Act on real X windows the way a user and a window manager do."""

import subprocess
import time
from dataclasses import dataclass

from Xlib import X, display, protocol


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

    def screenshot(self, path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["import", "-window", "root", str(path)], env={"DISPLAY": self.name}, check=True
        )
