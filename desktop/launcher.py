"""What a launch does: prepare the user's files and the server, then show the app one way."""

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import NoReturn

import click

from webapp import create_app
from webapp.config import Config, KeySource, load_config

from .access import ACCESS_COOKIE, AccessGuard, entry_url, new_token
from .events import SERVING, Events, ReportedRequests
from .gui import backend_problem, display_problem
from .instance import SingleInstance, instance_address
from .keeper import SessionKeeper
from .logs import log_uncaught_exceptions, setup_logging
from .paths import UserPaths, is_writable, user_paths
from .sandbox import prepare_web_engine_sandbox
from .secret import load_or_create_secret_key
from .server import (
    BuiltInBackground,
    Server,
    ServerNotReady,
    start_server,
    use_pythons_own_file_types,
)
from .settings import AutosavedSettings, load_settings
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
    started_at: float | None = None  # time.monotonic() when the command line was parsed


@dataclass
class AppSetup:
    """What every mode shares: the user's folders, the app's config, this launch's token."""

    paths: UserPaths
    config: Config
    saving: bool
    events: Events
    token: str = field(default_factory=new_token)

    @contextmanager
    def serving(
        self, port: int, wait: bool = True, keep_session: bool = False
    ) -> Iterator[tuple[Server, BuiltInBackground, str]]:
        """Serve the app to holders of this launch's token; yield the server, the app being
        built and the entry URL, and stop the server on leaving the block.

        The server listens at once and the app is built on a thread (requests that come first
        wait for it): with ``wait``, at once, and this waits until it answers a request;
        without, once the caller calls the app's ``start()``. With
        ``keep_session``, the session is kept on disk (desktop/keeper.py): for the window only,
        since another client (a browser) would share the one file. The app is built here, not
        earlier, so a launch that finds Flasky already running never builds it."""
        built = BuiltInBackground(self._build_app, start=wait)
        app = AccessGuard(built, self.token)
        if keep_session:
            app = SessionKeeper(app, self.paths.kept_session, self.config.SESSION_COOKIE_NAME)
        if self.events.enabled:
            app = ReportedRequests(app, self.events)
        with start_server(app, port) as server:
            if wait:
                server.wait_until_ready(headers={"Cookie": f"{ACCESS_COOKIE}={self.token}"})
            url = entry_url(server.url, self.token)
            self.events.emit(SERVING, url=server.url, entry_url=url)
            yield server, built, url

    def _build_app(self):
        use_pythons_own_file_types()
        app = create_app(self.config)
        self.events.milestone("app-built")
        return app


def prepare(options: Options) -> AppSetup:
    paths = user_paths()
    log_problem = setup_logging(paths.log_file, options.debug)
    log_uncaught_exceptions(None if log_problem else paths.log_file)
    if log_problem:
        say(f"Flasky is running without a log file: {log_problem}.")
    data_is_writable = is_writable(paths.data)
    if not data_is_writable:
        say(
            f"Flasky cannot write to its data folder {paths.data}: it will run, "
            "but nothing from this session will be remembered."
        )
    config = load_config("desktop", stored_key=lambda: load_or_create_secret_key(paths.secret_key))
    config.TEMPLATE_CACHE_FOLDER = paths.compiled_templates
    saving = data_is_writable and config.SECRET_KEY_SOURCE is not KeySource.EPHEMERAL
    events = Events.to_stdout(options.events)
    events.milestone("command-line", at=options.started_at)
    events.milestone("prepared")
    return AppSetup(paths, config, saving, events)


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
                    status = show_window(setup, options.port, stop, options.debug)
                case Mode.SERVE | Mode.BROWSER:
                    open_browser = options.mode is Mode.BROWSER
                    return serve_until_stopped(setup, options.port, stop, open_browser)
        except ServerNotReady as error:
            log.error("%s", error)
            say("Flasky's server did not start. The log file has the details.")
            return EXIT_FAILURE
    if sys.platform.startswith("linux"):  # the window is Qt's there, and measured
        end_now(status)
    return status


def end_now(status: int) -> NoReturn:
    """End the process with ``status`` at once, once the window has closed and everything of
    ours is done: the server stopped, the settings and the kept session on disk, the log
    flushed. What the interpreter's exit would add is Qt's and its web engine's teardown, half
    a second here, which saves nothing the app needs (the session lives in the keeper's file,
    the settings in their own), and the app must lose nothing when it is killed anyway (the
    tests kill it with SIGKILL). The engine's processes end as their parent does."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):  # a windowed build may have none
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
    os._exit(status)


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
    from .selftest import self_test  # here, not at the top: a window need not import it

    with setup.serving(0) as (_, _, url):
        passed, summary = self_test(url)
    report(setup, f"Self-test {'passed' if passed else 'failed'}: {summary}.")
    return EXIT_OK if passed else EXIT_FAILURE


def serve_until_stopped(setup: AppSetup, port: int, stop: StopSignals, open_browser: bool) -> int:
    import webbrowser  # here, not at the top: a window need not import it

    with setup.serving(port) as (_, _, url):
        how = "press Ctrl-C" if stop.takes_ctrl_c else f"kill {os.getpid()}"
        report(setup, f"Flasky is serving on {url} ({how} to stop).")
        if open_browser:
            webbrowser.open(url)
        stop.requested.wait()
    report(setup, "Flasky stopped.")
    return EXIT_OK


def report(setup: AppSetup, message: str) -> None:
    """A mode's own output, on standard output, unless that carries events."""
    click.echo(message, err=setup.events.enabled)


def show_window(setup: AppSetup, port: int, stop: StopSignals, debug: bool = False) -> int:
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
        # The window shows only this app's pages (desktop/links.py sends other sites to the
        # browser), so no other site's window can hold one: the opener policy would protect
        # nothing there, and it costs the window a second renderer process for its first page.
        setup.config.OPENER_POLICY = None
        # The server listens from here on; the window's first request waits for the app,
        # queued by the kernel, never refused.
        with setup.serving(port, wait=False, keep_session=setup.saving) as (_, built, url):
            problem = backend_problem()
            if problem:
                return no_window(problem)
            from .window import AppWindow

            saved = AutosavedSettings(setup.paths.settings, load_settings(setup.paths.settings))
            window = AppWindow(
                url,
                saved,
                setup.paths,
                title="Flasky" if setup.saving else "Flasky (not saving)",
                events=setup.events,
                debug=debug,
            )
            instance.listen(window.bring_to_front)
            stop.on_stop(window.close)
            if not stop.requested.is_set():
                # Flask is imported and the app built on a thread while this one starts Qt and
                # the web engine, mostly native code that leaves the GIL free. Started sooner,
                # the build slowed this thread's own imports (pywebview, Qt) more than it gained.
                built.start()
                window.run(storage=setup.paths.web_storage if setup.saving else None)
                saved.save_now()
    log.info("Window closed; exiting.")
    if built.error:
        say("Flasky could not start. The log file has the details.")
        return EXIT_FAILURE
    return EXIT_OK
