"""The command line: parse flags and the environment into launch Options, then run."""

import os
import sys
import time

import click

from . import __version__
from .launcher import EXIT_USAGE, Mode, Options, run


@click.command(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit status: 0 done, 1 failed, 2 bad command line, 3 no window could open.",
)
@click.version_option(__version__, "-V", "--version", prog_name="Flasky Desktop")
@click.option(
    "--browser",
    "mode",
    flag_value=Mode.BROWSER.value,
    help="Open the app in your web browser instead of a window.",
)
@click.option(
    "--serve",
    "mode",
    flag_value=Mode.SERVE.value,
    help="Serve without a window: print the address, stop with Ctrl-C.",
)
@click.option(
    "--self-test",
    "mode",
    flag_value=Mode.SELF_TEST.value,
    help="Check that the app serves its pages and assets, then exit.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Serve on this port of 127.0.0.1 (a free one if taken).",
)
@click.option("--debug", is_flag=True, help="Also log to the console, in detail.")
@click.option(
    "--events",
    is_flag=True,
    help="For programs that drive the app: one JSON line per event on standard output.",
)
def command(mode: str | None, port: int | None, debug: bool, events: bool) -> int:
    """Flasky: the app of Flask Web Development (chapters 1-4) in its own window.

    It runs a Flask server on 127.0.0.1 inside this process and shows it in a native window.
    """
    return run(
        Options(
            mode=Mode(mode) if mode else Mode.WINDOW,
            port=port or 0,
            debug=debug,
            events=events,
            display=os.environ.get("DISPLAY"),
            wayland_display=os.environ.get("WAYLAND_DISPLAY"),
            qpa_platform=os.environ.get("QT_QPA_PLATFORM"),
            started_at=time.monotonic(),
        )
    )


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit; a usage error is one line and status 2."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium's sandbox cannot run as root; a normal user keeps it.
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    if not os.environ.get("XDG_CURRENT_DESKTOP") and not os.environ.get("QT_QPA_PLATFORMTHEME"):
        # With no desktop named, Qt's generic theme ignores the colour scheme the app asks for
        # (View → Theme), and the web engine's prefers-color-scheme with it; the GNOME theme,
        # built into Qt, follows it (and reads the desktop's scheme from the settings portal).
        os.environ["QT_QPA_PLATFORMTHEME"] = "gnome"
    try:
        status = command.main(args=argv, prog_name="flasky", standalone_mode=False)
    except click.UsageError as error:
        click.echo(f"flasky: {error.format_message()} (see flasky --help)", err=True)
        status = EXIT_USAGE
    except click.Abort:
        status = 1
    except Exception:  # logged, with its traceback, and told in one line
        sys.excepthook(*sys.exc_info())
        status = 1
    sys.exit(status)
