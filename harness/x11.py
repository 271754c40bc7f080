"""Act on real X windows the way a user and a window manager do."""

import contextlib
import os
import select
import shutil
import subprocess
import threading
import time
from array import array
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from Xlib import X, display, error, protocol


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


def mapped_window(root, title: str):
    """The top-level window under ``root`` called ``title`` if it is mapped now, else None."""
    for window in root.query_tree().children:
        with contextlib.suppress(error.XError):  # BadWindow: gone while we looked
            if window.get_wm_name() == title and window.get_attributes().map_state == X.IsViewable:
                return window
    return None


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
            window = mapped_window(self.root, title)
            if window is not None:
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


class FirstPaint:
    """Watches the X server for the first frame of a window called ``title`` that shows its
    page: started before the launch, asked once the page is loaded (``first_paint``).

    A thread of its own, on a connection of its own, grabs the window's top ``rows`` rows every
    ``interval`` seconds from the moment it is mapped and keeps each frame that changed. The
    page is on screen in the first frame that ``first_page_frame`` finds; the time is when
    that frame was grabbed: up to ``interval`` (plus a grab) after it was drawn."""

    def __init__(self, screen_name: str, title: str, rows: int = 80, interval: float = 0.01):
        self._screen_name = screen_name
        self._title = title
        self._rows = rows
        self._interval = interval
        self._frames: list[tuple[float, bytes]] = []  # (time.monotonic() when grabbed, pixels)
        self._area: tuple[int, int, int, int] | None = None  # x, y, width, height on screen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="first-paint", daemon=True)

    def __enter__(self) -> "FirstPaint":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop_watching()

    def _stop_watching(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def first_paint(self, settled: float = 1.0, timeout: float = 10) -> float | None:
        """When (``time.monotonic()``) the page was first on screen; None if it never was.
        Call it once the page is loaded: it waits until the screen has not changed for
        ``settled`` seconds since the call (on a busy machine the page is drawn well after
        its load event) and takes that frame as the loaded page's."""
        called = time.monotonic()
        deadline = called + timeout
        while time.monotonic() < deadline and (
            not self._frames or time.monotonic() - max(called, self._frames[-1][0]) < settled
        ):
            time.sleep(self._interval)
        self._stop_watching()
        shown = first_page_frame([pixels for _, pixels in self._frames])
        return None if shown is None else self._frames[shown][0]

    def _watch(self) -> None:
        connection = display.Display(self._screen_name)
        try:
            root = self._wait_for_window(connection)
            while root is not None and not self._stop.is_set():
                self._grab(root)
                time.sleep(self._interval)
            if root is not None:
                self._grab(root)  # the frame of the loaded page
        finally:
            connection.close()

    def _wait_for_window(self, connection):
        root = connection.screen().root
        while not self._stop.is_set():
            window = mapped_window(root, self._title)
            if window is not None:
                self._area = self._visible_top(window, root)
                return root
            time.sleep(self._interval)
        return None

    def _visible_top(self, window, root) -> tuple[int, int, int, int]:
        """The part of the window's top ``rows`` rows that is on the screen."""
        size = window.get_geometry()
        origin = window.translate_coords(root, 0, 0)
        screen = root.get_geometry()
        left, top = max(0, -origin.x), max(0, -origin.y)
        right = min(screen.width, -origin.x + size.width)
        bottom = min(screen.height, top + self._rows, -origin.y + size.height)
        return left, top, right - left, bottom - top

    def _grab(self, root) -> None:
        try:  # from the screen, as the user sees it (the window itself may not answer)
            pixels = root.get_image(*self._area, X.ZPixmap, 0xFFFFFFFF).data
        except error.XError:  # unmapped, or resized under us: the next grab tells
            return
        if not self._frames or self._frames[-1][1] != pixels:
            self._frames.append((time.monotonic(), pixels))


def first_page_frame(frames: list[bytes], match: float = 0.9) -> int | None:
    """The index of the first of ``frames`` (32-bit pixels) that shows what the last one shows:
    equal to it on at least ``match`` of its background pixels (its most common colour) and of
    its other pixels alike. So neither an empty window (no content) nor a window whose own
    menu bar shows over an empty view (not the page's background) counts, and black text on a
    blank page does, once the page is white."""
    if not frames:
        return None
    loaded = array("I", frames[-1])
    background = Counter(loaded).most_common(1)[0][0]
    background_at = [i for i, pixel in enumerate(loaded) if pixel == background]
    content_at = [i for i, pixel in enumerate(loaded) if pixel != background]
    for index, pixels in enumerate(frames):
        frame = array("I", pixels)
        if all(
            sum(frame[i] == loaded[i] for i in where) >= match * len(where)
            for where in (background_at, content_at)
        ):
            return index
    return None


class WindowsShown:
    """The top-level windows shown on an X screen while in the ``with`` block, in the order they
    are mapped: ``(time.monotonic(), name)`` each, the name read as soon as the window maps (as
    a window manager does; None if the window is gone by then); and in ``hidden``, the same for
    each of them that was unmapped since."""

    def __init__(self, screen_name: str) -> None:
        self.windows: list[tuple[float, str | None]] = []
        self.hidden: list[tuple[float, str | None]] = []
        self._names: dict[int, str | None] = {}  # of the windows shown, by id
        self._connection = display.Display(screen_name)
        self._connection.screen().root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self._connection.sync()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="windows-shown", daemon=True)

    def __enter__(self) -> "WindowsShown":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(5)
        self._connection.close()

    def names(self) -> list[str | None]:
        return [name for _, name in self.windows]

    def first(self, name: str, hidden: bool = False) -> float | None:
        """When the first window called ``name`` was shown (or hidden); None if it was not."""
        events = self.hidden if hidden else self.windows
        return next((at for at, seen in events if seen == name), None)

    def _watch(self) -> None:
        while not self._stop.is_set():
            select.select([self._connection], [], [], 0.05)
            while self._connection.pending_events():
                event = self._connection.next_event()
                if event.type == X.MapNotify:
                    shown = time.monotonic()
                    try:
                        name = event.window.get_wm_name()
                    except error.XError:  # BadWindow: gone already
                        name = None
                    self._names[event.window.id] = name
                    self.windows.append((shown, name))
                elif event.type == X.UnmapNotify and event.window.id in self._names:
                    self.hidden.append((time.monotonic(), self._names[event.window.id]))
