"""What a launch does: prepare the user's files and the server, then show the app one way."""

import logging
import webbrowser
from dataclasses import dataclass, field

import click

from webapp import create_app
from webapp.config import Config, load_config

from .access import ACCESS_COOKIE, TOKEN_PARAMETER, AccessGuard, new_token
from .gui import backend_problem, display_problem
from .instance import SingleInstance, instance_address
from .logs import setup_logging
from .paths import UserPaths, is_writable, user_paths
from .secret import load_or_create_secret_key
from .selftest import self_test
from .server import Server, ServerNotReady, start_server
from .settings import load_geometry, save_geometry
from .signals import StopSignals

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_NO_WINDOW = 0, 1, 2, 3


@dataclass(frozen=True)
class LaunchOptions:
    """What the command line and the environment asked for."""

    mode: str = "window"  # window, browser, serve or self-test
    port: int = 0
    debug: bool = False
    display: str | None = None
    wayland_display: str | None = None
    qpa_platform: str | None = None


@dataclass
class Launch:
    """What every mode shares: the user's files, the secret key and the app's config."""

    paths: UserPaths
    secret_key: str
    saving: bool
    config: Config
    token: str = field(default_factory=new_token)

    def start_server(self, port: int) -> Server:
        """Serve the app to holders of this launch's token, once it answers.

        The app is built here, not earlier, so a launch that finds Flasky already running
        never builds it."""
        server = start_server(AccessGuard(create_app(self.config), self.token), port)
        server.wait_until_ready(headers={"Cookie": f"{ACCESS_COOKIE}={self.token}"})
        return server

    def entry_url(self, server: Server) -> str:
        """The address that lets a browser in: it trades the token for a cookie."""
        return f"{server.url}?{TOKEN_PARAMETER}={self.token}"


def say(message: str) -> None:
    click.echo(message, err=True)


def prepare(options: LaunchOptions) -> Launch:
    paths = user_paths()
    log_problem = setup_logging(paths.log_file, options.debug)
    if log_problem:
        say(f"Flasky is running without a log file: {log_problem}.")
    saving = is_writable(paths.data)
    if not saving:
        say(
            f"Flasky cannot write to its data folder {paths.data}: it will run, "
            "but nothing from this session will be remembered."
        )
    config = load_config("desktop")
    key_saved = True
    if not config.SECRET_KEY:
        config.SECRET_KEY, key_saved = load_or_create_secret_key(paths.secret_key)
    return Launch(paths, config.SECRET_KEY, saving and key_saved, config)


def launch(options: LaunchOptions) -> int:
    """Run the app in the way ``options`` asks for; the process exit status."""
    problem = None
    if options.mode == "window":
        problem = display_problem(options.display, options.wayland_display, options.qpa_platform)
    if problem:
        return no_window(problem)
    with StopSignals() as stop:
        prepared = prepare(options)
        try:
            if options.mode == "self-test":
                return run_self_test(prepared)
            if options.mode == "window":
                return show_window(prepared, options.port, stop)
            return serve(prepared, options.port, stop, open_browser=options.mode == "browser")
        except ServerNotReady as error:
            log.error("%s", error)
            say("Flasky's server did not start. The log file has the details.")
            return EXIT_FAILURE


def no_window(problem: str) -> int:
    say(
        f"Flasky cannot open its window: {problem}. "
        "Use `--browser` to open it in your web browser, "
        "or `--serve` to serve it and print its address."
    )
    return EXIT_NO_WINDOW


def run_self_test(launch: Launch) -> int:
    server = launch.start_server(0)
    try:
        passed, summary = self_test(launch.entry_url(server))
    finally:
        server.stop()
    click.echo(f"Self-test {'passed' if passed else 'failed'}: {summary}.")
    return EXIT_OK if passed else EXIT_FAILURE


def serve(launch: Launch, port: int, stop: StopSignals, open_browser: bool) -> int:
    server = launch.start_server(port)
    url = launch.entry_url(server)
    click.echo(f"Flasky is serving on {url} (press Ctrl-C to stop).")
    if open_browser:
        webbrowser.open(url)
    stop.requested.wait()
    server.stop()
    click.echo("Flasky stopped.")
    return EXIT_OK


def show_window(launch: Launch, port: int, stop: StopSignals) -> int:
    instance = SingleInstance(instance_address(launch.paths.data), launch.secret_key)
    if not instance.acquire():
        shown = instance.ask_running_instance_to_show()
        say("Flasky is already running" + ("; its window is shown again." if shown else "."))
        return EXIT_OK
    try:
        problem = backend_problem()
        if problem:
            return no_window(problem)
        from .window import AppWindow

        server = launch.start_server(port)
        try:
            window = AppWindow(
                launch.entry_url(server),
                load_geometry(launch.paths.settings),
                title="Flasky" if launch.saving else "Flasky (not saving)",
            )
            instance.listen(window.bring_to_front)
            stop.on_stop(window.close)
            if not stop.requested.is_set():
                window.run(storage=launch.paths.web_storage if launch.saving else None)
                save_geometry(launch.paths.settings, window.geometry)
        finally:
            server.stop()
    finally:
        instance.release()
    log.info("Window closed; exiting.")
    return EXIT_OK
