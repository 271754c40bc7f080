"""The command line, run as ``python main.py`` in a subprocess, as a user runs it."""

import os
import re
import signal
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from desktop import __version__
from desktop.events import SERVING, parse_event
from harness.process import ROOT, SOURCE_COMMAND, run_main, user_environment

from .helpers import IGNORING_CTRL_C, port_is_free


@contextmanager
def read_only(directory: Path):
    """Make ``directory`` unwritable, even for root (who ignores permission bits)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(directory)], check=True)
    else:
        directory.chmod(0o555)
    try:
        yield
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(directory)], check=True)
        else:
            directory.chmod(0o755)


def test_help_describes_every_option(env):
    result = run_main("--help", env=env)
    assert result.returncode == 0
    for option in [
        "--browser",
        "--serve",
        "--self-test",
        "--port",
        "--debug",
        "--events",
        "--version",
    ]:
        assert option in result.stdout


def test_version_prints_the_version(env):
    result = run_main("--version", env=env)
    assert result.returncode == 0
    assert result.stdout.strip() == f"Flasky Desktop, version {__version__}"


@pytest.mark.parametrize(
    "args",
    [["--bogus"], ["--port", "http"], ["--port", "70000"], ["--port"], ["extra-argument"]],
)
def test_bad_command_line_is_one_line_and_status_2(env, args):
    result = run_main(*args, env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("flasky: ")


def test_self_test_fetches_the_page_and_its_assets(env):
    result = run_main("--self-test", env=env)
    assert result.returncode == 0, result.stderr
    assert re.match(r"Self-test passed: the home page and its \d+ assets", result.stdout)


def test_no_display_gives_a_clear_message_and_status_3(env):
    result = run_main(env=env)
    assert result.returncode == 3
    assert "there is no display" in result.stderr
    assert "--browser" in result.stderr and "--serve" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_display_that_does_not_answer_gives_status_3(home):
    result = run_main(env=user_environment(home, display=":987"))
    assert result.returncode == 3
    assert "the display :987 does not answer" in result.stderr


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_the_url_serves_and_stops_cleanly(start_app, env, stop_signal):
    app = start_app("--serve", env=env)
    port = app.port
    assert "Hello, Stranger!" in app.client().get().text
    app.send(stop_signal)
    assert app.wait() == 0
    output = app.output()
    assert f"Flasky is serving on http://127.0.0.1:{port}/?token=" in output
    assert "(press Ctrl-C to stop)." in output
    assert "Flasky stopped." in output
    assert "Traceback" not in output
    assert port_is_free(port)


def test_serve_started_ignoring_ctrl_c_stops_on_sigterm_only(start_app, env):
    app = start_app("--serve", env=env, command=[*IGNORING_CTRL_C, *SOURCE_COMMAND])
    app.wait_for_event(SERVING)
    app.send(signal.SIGINT)
    app.send(signal.SIGTERM)
    assert app.wait() == 0
    assert f"Received signal {signal.SIGTERM:d}; stopping." in app.log()
    assert f"Received signal {signal.SIGINT:d}" not in app.log()
    assert f"(kill {app.process.pid} to stop)." in app.output()


def test_requested_port_is_used(start_app, env):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    app = start_app("--serve", "--port", str(free), env=env)
    assert app.port == free
    app.send()
    assert app.wait() == 0


def test_taken_port_falls_back_to_a_free_one_and_logs_it(start_app, env):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        app = start_app("--serve", "--port", str(taken), env=env)
        assert app.port != taken
        assert "Hello, Stranger!" in app.client().get().text
        assert f"Port {taken} is not available" in app.log()
        app.send()
        assert app.wait() == 0


def test_read_only_data_folder_still_serves_and_keeps_the_saved_key(start_app, home, env):
    assert run_main("--self-test", env=env).returncode == 0
    data = home / "data" / "Flasky"
    key = (data / "secret_key").read_bytes()
    with read_only(data):
        app = start_app("--serve", env=env)
        try:
            assert "Hello, Stranger!" in app.client().get().text
        finally:
            app.send()
            assert app.wait() == 0
        assert "cannot write to its data folder" in app.output()
    assert (data / "secret_key").read_bytes() == key


@pytest.mark.parametrize(
    ("folder", "message"),
    [("data", "cannot write to its data folder"), ("state", "running without a log file")],
    ids=["data-folder", "log-folder"],
)
def test_a_file_in_place_of_a_folder_is_reported_and_the_app_runs(home, env, folder, message):
    (home / folder).mkdir(parents=True)
    (home / folder / "Flasky").write_text("not a folder")
    result = run_main("--self-test", env=env)
    assert result.returncode == 0
    assert message in result.stderr
    assert (home / folder / "Flasky").read_text() == "not a folder"


def test_secret_key_from_the_environment_wins(home, env):
    env["FLASKY_SECRET_KEY"] = "from the environment"
    assert run_main("--self-test", env=env).returncode == 0
    assert not (home / "data" / "Flasky" / "secret_key").exists()


def test_serve_without_events_prints_the_address_for_people(env):
    process = subprocess.Popen(
        [*SOURCE_COMMAND, "--serve"], env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        line = process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    assert re.match(r"Flasky is serving on http://127\.0\.0\.1:\d+/\?token=\S+ ", line)


def test_with_events_standard_output_carries_only_events(env):
    result = run_main("--self-test", "--events", env=env)
    assert result.returncode == 0
    events = [parse_event(line) for line in result.stdout.splitlines()]
    kinds = [event["event"] for event in events]
    assert set(kinds) == {"milestone", "serving", "request"} and kinds.count("serving") == 1
    serving = events[kinds.index("serving")]
    assert serving["entry_url"].startswith(serving["url"] + "?token=")
    token = serving["entry_url"].split("?token=")[1]
    # The self-test's requests are reported, and the token only where it is handed out.
    assert {"/", "/static/flasky.css"} <= {event.get("path") for event in events}
    assert result.stdout.count(token) == 1
    assert result.stderr.startswith("Self-test passed")


def test_the_launcher_and_the_window_import_neither_flask_nor_pipes_nor_package_metadata():
    # What the launch imports on its main thread before Qt starts: not Flask (imported by the
    # build thread), not Windows' pipes, not the package metadata (About reads it; so does
    # Flask's command line, on the build thread).
    imported = subprocess.run(
        [SOURCE_COMMAND[0], "-c", "import sys, desktop.cli, desktop.window; print(*sys.modules)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not {"flask", "multiprocessing.connection", "importlib.metadata"} & set(imported)
