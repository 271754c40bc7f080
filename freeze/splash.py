"""The small window a first launch of the one file shows while it unpacks its build.

A first launch takes a few seconds before the app's own window can show; without this, the
user would see nothing meanwhile. It is drawn with python-xlib (pure Python, in the one file's
archive, imported only by a first launch), so the one file carries no toolkit that each launch
would have to unpack. Without an X display (none, or Wayland without XWayland) the same words go
to stderr. The window closes when the folder build takes over the process: the X connection is
not inherited across ``execve``.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

TITLE = "Preparing Flasky's first start"
WIDTH, HEIGHT = 420, 130
BAR = (24, 84, WIDTH - 48, 18)  # x, y, width, height of the progress bar
# Core X fonts, tried in order: the X server always has "fixed".
FONTS = [
    "-misc-fixed-bold-r-normal--18-*-*-*-*-*-iso8859-1",
    "-*-helvetica-bold-r-normal--17-*-*-*-*-*-iso8859-1",
    "fixed",
]
BACKGROUND, TEXT, TRACK, FILL = "#ffffff", "#212529", "#e9ecef", "#0d6efd"  # Bootstrap's colours


class Splash:
    """A window with the app's name, what it is doing and a progress bar."""

    def __init__(self, display) -> None:
        from Xlib import X, Xatom

        self.display = display
        screen = display.screen()
        colour = {
            name: screen.default_colormap.alloc_named_color(name).pixel
            for name in [BACKGROUND, TEXT, TRACK, FILL]
        }
        self.window = screen.root.create_window(
            (screen.width_in_pixels - WIDTH) // 2,
            (screen.height_in_pixels - HEIGHT) // 3,
            WIDTH,
            HEIGHT,
            0,
            screen.root_depth,
            X.InputOutput,
            X.CopyFromParent,
            background_pixel=colour[BACKGROUND],
            event_mask=X.ExposureMask,
        )
        self.window.set_wm_name(TITLE)
        self.window.set_wm_class("flasky", "Flasky")
        utf8 = display.intern_atom("UTF8_STRING")
        self.window.change_property(display.intern_atom("_NET_WM_NAME"), utf8, 8, TITLE.encode())
        self.window.change_property(
            display.intern_atom("_NET_WM_WINDOW_TYPE"),
            Xatom.ATOM,
            32,
            [display.intern_atom("_NET_WM_WINDOW_TYPE_SPLASH")],
        )
        self.window.change_property(
            display.intern_atom("_NET_WM_PID"), Xatom.CARDINAL, 32, [os.getpid()]
        )
        font = display.open_font(next(name for name in FONTS if display.list_fonts(name, 1)))
        self.text = self.window.create_gc(
            foreground=colour[TEXT], background=colour[BACKGROUND], font=font
        )
        self.track = self.window.create_gc(foreground=colour[TRACK])
        self.fill = self.window.create_gc(foreground=colour[FILL])
        self.fraction = 0.0
        self.lost = False
        self.window.map()
        self.draw()

    def draw(self) -> None:
        x, y, width, height = BAR
        self.window.draw_text(self.text, x, 36, b"Flasky")
        self.window.draw_text(self.text, x, 64, b"Preparing Flasky's first start...")
        self.window.fill_rectangle(self.track, x, y, width, height)
        self.window.fill_rectangle(self.fill, x, y, round(width * self.fraction), height)
        self.display.flush()

    def progress(self, fraction: float) -> None:
        """Show ``fraction`` (0 to 1) of the work done, and redraw what was uncovered."""
        self.fraction = fraction
        if self.lost:
            return
        try:
            while self.display.pending_events():
                self.display.next_event()
            self.draw()
        # The X server went away, or the user's window manager closed the splash: unpacking
        # goes on without it.
        except Exception:
            self.lost = True


class Silent:
    """What a launch without an X display shows: one line on stderr, no progress."""

    def progress(self, fraction: float) -> None:
        pass


@contextmanager
def shown() -> Iterator[Splash | Silent]:
    """Show the splash window while in the ``with`` block (or until the process is replaced by
    another program), or print its words where no window can show."""
    splash: Splash | Silent = Silent()
    if os.environ.get("DISPLAY"):
        try:
            from Xlib import display

            splash = Splash(display.Display())
        # A splash must never stop a launch: whatever goes wrong with the X server, it says
        # its words on stderr instead.
        except Exception:
            pass
    if isinstance(splash, Silent):
        print(f"{TITLE}…", file=sys.stderr, flush=True)
    try:
        yield splash
    finally:
        if isinstance(splash, Splash) and not splash.lost:
            splash.display.close()
