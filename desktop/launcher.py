"""What a launch does: prepare the user's files and the server, then show the app one way."""

import logging
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum

import click

from webapp import create_app
from webapp.config import Config, load_config

from .access import ACCESS_COOKIE, AccessGuard, entry_url, new_token
from .events import SERVING, Events
from .gui import backend_problem, display_problem
from .instance import SingleInstance, instance_address
from .keeper import SessionKeeper
from .logs import setup_logging
from .paths import UserPaths, is_writable, user_paths
from .sandbox import prepare_web_engine_sandbox
from .secret import load_or_create_secret_key
from .selftest import self_test
from .server import Server, ServerNotReady, start_server
from .settings import KeptGeometry, load_geometry
from .signals import StopSignals

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_NO_WINDOW = 0, 1, 2, 3


class Mode(Enum):
    """How the app is shown."""

    WINDOW = "window"
    BROWSER = "browser"
    SERVE = "serve"
    SELF_TEST = "self-test"


@dataclass(frozen=True)
class Options:
    """What the command line and the environment asked for."""

    mode: Mode = Mode.WINDOW
    port: int = 0
    debug: bool = False
    events: bool = False
    display: str | None = None
    wayland_display: str | None = None
    qpa_platform: str | None = None


@dataclass
class AppSetup:
    """What every mode shares: the user's folders, the app's config, this launch's token."""

    paths: UserPaths
    config: Config
    saving: bool
    events: Events
    token: str = field(default_factory=new_token)

    @contextmanager
    def serve(self, port: int) -> Iterator[tuple[Server, str]]:
        """Serve the app to holders of this launch's token, once it answers; yield the server
        and its entry URL, and stop the server on leaving the block.

        The app is built here, not earlier, so a launch that finds Flasky already running
        never builds it."""
        app = AccessGuard(create_app(self.config), self.token)
        if self.saving:
            app = SessionKeeper(app, self.paths.kept_session, self.config.SESSION_COOKIE_NAME)
        with start_server(app, port) as server:
            server.wait_until_ready(headers={"Cookie": f"{ACCESS_COOKIE}={self.token}"})
            url = entry_url(server.url, self.token)
            self.events.emit(SERVING, url=server.url, entry_url=url)
            yield server, url


def prepare(options: Options) -> AppSetup:
    paths = user_paths()
    log_problem = setup_logging(paths.log_file, options.debug)
    if log_problem:
        say(f"Flasky is running without a log file: {log_problem}.")
    data_is_writable = is_writable(paths.data)
    if not data_is_writable:
        say(
            f"Flasky cannot write to its data folder {paths.data}: it will run, "
            "but nothing from this session will be remembered."
        )
    config = load_config("desktop", stored_key=lambda: load_or_create_secret_key(paths.secret_key))
    saving = data_is_writable and config.SECRET_KEY_SOURCE != "ephemeral"
    return AppSetup(paths, config, saving, Events.to_stdout(options.events))


def run(options: Options) -> int:
    """Run the app in the way ``options`` asks for; the process exit status."""
    if options.mode is Mode.WINDOW:
        problem = display_problem(options.display, options.wayland_display, options.qpa_platform)
        if problem:
            return no_window(problem)
    with StopSignals() as stop:
        setup = prepare(options)
        try:
            match options.mode:
                case Mode.SELF_TEST:
                    return run_self_test(setup)
                case Mode.WINDOW:
                    return show_window(setup, options.port, stop)
                case Mode.SERVE | Mode.BROWSER:
                    return serve(setup, options.port, stop, options.mode is Mode.BROWSER)
        except ServerNotReady as error:
            log.error("%s", error)
            say("Flasky's server did not start. The log file has the details.")
            return EXIT_FAILURE


def say(message: str) -> None:
    """Tell the user, on standard error (standard output may carry events)."""
    click.echo(message, err=True)


def no_window(problem: str) -> int:
    say(
        f"Flasky cannot open its window: {problem}. "
        "Use `--browser` to open it in your web browser, "
        "or `--serve` to serve it and print its address."
    )
    return EXIT_NO_WINDOW


def run_self_test(setup: AppSetup) -> int:
    with setup.serve(0) as (_, url):
        passed, summary = self_test(url)
    report(setup, f"Self-test {'passed' if passed else 'failed'}: {summary}.")
    return EXIT_OK if passed else EXIT_FAILURE


def serve(setup: AppSetup, port: int, stop: StopSignals, open_browser: bool) -> int:
    with setup.serve(port) as (_, url):
        report(setup, f"Flasky is serving on {url} (press Ctrl-C to stop).")
        if open_browser:
            webbrowser.open(url)
        stop.requested.wait()
    report(setup, "Flasky stopped.")
    return EXIT_OK


def report(setup: AppSetup, message: str) -> None:
    """A mode's own output, on standard output, unless that carries events."""
    click.echo(message, err=setup.events.enabled)


def show_window(setup: AppSetup, port: int, stop: StopSignals) -> int:
    address = instance_address(setup.paths.data, setup.paths.runtime)
    with SingleInstance(address, setup.config.SECRET_KEY) as instance:
        if not instance.acquired:
            if instance.ask_running_instance_to_show():
                say("Flasky is already running; its window is shown again.")
                return EXIT_OK
            # Not a window of its own: two launches would write one web profile, one settings file.
            say(
                "Another Flasky is running but did not answer this launch (the log file says "
                "why): close it, or end its process, and start Flasky again."
            )
            return EXIT_FAILURE
        sandbox_problem = prepare_web_engine_sandbox()
        if sandbox_problem:
            log.warning(
                "The window's web engine runs without its namespace sandbox because %s; "
                "its seccomp filter stays on.",
                sandbox_problem,
            )
        problem = backend_problem()
        if problem:
            return no_window(problem)
        from .window import AppWindow

        with setup.serve(port) as (_, url):
            settings = setup.paths.settings
            kept = KeptGeometry(settings, load_geometry(settings))
            window = AppWindow(
                url,
                kept,
                title="Flasky" if setup.saving else "Flasky (not saving)",
                events=setup.events,
            )
            instance.listen(window.bring_to_front)
            stop.on_stop(window.close)
            if not stop.requested.is_set():
                window.run(storage=setup.paths.web_storage if setup.saving else None)
                kept.save_now()
    log.info("Window closed; exiting.")
    return EXIT_OK
