"""The small window a first launch of the one file shows while it unpacks its build.

A first launch takes a few seconds before the app's own window can show; without this, the
user would see nothing meanwhile. It is drawn with python-xlib (pure Python, in the one file's
archive, imported only by a first launch), so the one file carries no toolkit that each launch
would have to unpack. A thread of its own makes and draws the window, so that an X server that
never answers holds a launch up for ``SHOWN_WITHIN`` at most, not for good. Without an X
display (none, or Wayland without XWayland) the same words go to stderr. The window closes when
the folder build takes over the process: the X connection is not inherited across ``execve``.
"""

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

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
# Seconds the launch waits for the window to show before it unpacks regardless. It waits rather
# than unpack meanwhile: the window shows within 0.03 to 0.1 s, and python-xlib's pure Python,
# run beside the decompressing threads, would hold the interpreter's lock that they take
# between pieces.
SHOWN_WITHIN = 1.0


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
        self.window.map()

    def draw(self, fraction: float) -> None:
        """Draw the window, with ``fraction`` (0 to 1) of the work done, once the X server's
        events (the window uncovered) are read."""
        while self.display.pending_events():
            self.display.next_event()
        x, y, width, height = BAR
        self.window.draw_text(self.text, x, 36, b"Flasky")
        self.window.draw_text(self.text, x, 64, b"Preparing Flasky's first start...")
        self.window.fill_rectangle(self.track, x, y, width, height)
        self.window.fill_rectangle(self.fill, x, y, round(width * fraction), height)
        self.display.flush()


class Progress:
    """What the unpacking tells the splash's thread: the share of the work done, and when it
    is over; and what the thread tells back: that the window is ready, or cannot be."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._fraction: float | None = 0.0  # None: over
        self._said = False
        self.ready = threading.Event()  # the window mapped and drawn, or given up

    def progress(self, fraction: float) -> None:
        """``fraction`` (0 to 1) of the work is done."""
        with self._changed:
            if self._fraction is not None:
                self._fraction = fraction
                self._changed.notify()

    def end(self) -> None:
        """The work is over: the window closes, if it is still there."""
        with self._changed:
            self._fraction = None
            self._changed.notify()

    def wait_for_change(self, drawn: float) -> float | None:
        """The share done, once it differs from ``drawn``; None once the work is over."""
        with self._changed:
            self._changed.wait_for(lambda: self._fraction != drawn)
            return self._fraction

    def say_instead(self) -> None:
        """Say the window's words on stderr, once, where the window does not show."""
        with self._changed:
            if not self._said:
                print(f"{TITLE}…", file=sys.stderr, flush=True)
                self._said = True


def show(progress: Progress) -> None:
    """Show the splash window and draw ``progress`` in it until it ends, or say the window's
    words on stderr where it cannot show."""
    try:
        from Xlib import display

        splash = Splash(display.Display())
        splash.draw(0.0)
    # A splash must never stop a launch: whatever goes wrong with the X server, it says its
    # words on stderr instead.
    except Exception:
        progress.say_instead()
        return
    finally:
        progress.ready.set()
    drawn = 0.0
    try:
        while (fraction := progress.wait_for_change(drawn)) is not None:
            splash.draw(fraction)  # the X server's events too: the window uncovered
            drawn = fraction
    # The X server went away, or the user's window manager closed the splash: unpacking
    # goes on without it.
    except Exception:
        return
    with suppress(Exception):
        splash.display.close()


@contextmanager
def shown() -> Iterator[Progress]:
    """Show the splash window while in the ``with`` block (or until the process is replaced by
    another program), or print its words where no window can show, or none shows in time."""
    progress = Progress()
    if os.environ.get("DISPLAY"):
        # A daemon: a launch that fails exits at once, whatever the X server does.
        threading.Thread(target=show, args=[progress], name="splash", daemon=True).start()
        if not progress.ready.wait(SHOWN_WITHIN):
            progress.say_instead()
    else:
        progress.say_instead()
    try:
        yield progress
    finally:
        progress.end()
