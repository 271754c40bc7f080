import http.client
import socket
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest

from desktop.events import SERVING
from desktop.selftest import page_resources
from desktop.server import HOST, BuiltInBackground, Server, ServerNotReady, start_server
from harness.process import AppProcess

from .helpers import port_is_free, submit_name


def get(url_port: int, path: str = "/") -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(HOST, url_port, timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


@pytest.fixture
def server(app):
    server = start_server(app)
    yield server
    server.stop()


def test_server_answers_over_real_http_on_loopback(server):
    server.wait_until_ready()
    response = get(server.port)
    assert response.status == 200
    assert b"Hello, Stranger!" in response.body
    assert server.url == f"http://127.0.0.1:{server.port}/"


def test_server_listens_on_loopback_only(server):
    assert server._server.socket.getsockname()[0] == "127.0.0.1"


def test_server_serves_static_assets(server):
    response = get(server.port, "/static/vendor/moment/moment-with-locales.min.js")
    assert response.status == 200
    assert len(response.body) > 100_000


def test_stop_frees_the_port(app):
    server = start_server(app)
    server.wait_until_ready()
    server.stop()
    assert port_is_free(server.port)


def test_taken_port_falls_back_to_a_free_one(app, caplog):
    with socket.socket() as squatter:
        squatter.bind((HOST, 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        server = start_server(app, taken)
        try:
            assert server.port != taken
            server.wait_until_ready()
            assert get(server.port).status == 200
        finally:
            server.stop()
    assert f"Port {taken} is not available" in caplog.text


def test_wait_until_ready_gives_up_on_a_server_that_never_answers(app):
    server = Server(app)  # bound, but its thread is never started
    try:
        with pytest.raises(ServerNotReady, match="did not answer"):
            server.wait_until_ready(timeout=0.3)
    finally:
        server.stop()


def test_stop_lets_a_request_in_progress_finish(app):
    started = threading.Event()

    @app.route("/slow")
    def slow():
        started.set()
        time.sleep(0.5)
        return "finished"

    server = start_server(app)
    result = {}

    def request_slow():
        result["response"] = get(server.port, "/slow")

    client = threading.Thread(target=request_slow)
    client.start()
    assert started.wait(5)
    server.stop()
    client.join(5)
    assert result["response"].body == b"finished"


def test_sessions_work_through_the_real_server(app, server):
    client = app.test_client()
    submit_name(client, "Alice")
    cookie = client.get_cookie("flasky_session")
    connection = http.client.HTTPConnection(HOST, server.port, timeout=5)
    connection.request("GET", "/", headers={"Cookie": f"flasky_session={cookie.value}"})
    assert b"Hello, Alice!" in connection.getresponse().read()
    connection.close()


def test_a_request_that_comes_before_the_app_is_built_waits_for_it(app):
    building = threading.Event()

    def build():
        building.wait(10)
        return app

    with start_server(BuiltInBackground(build)) as server:
        answers = []
        asking = threading.Thread(target=lambda: answers.append(get(server.port)))
        asking.start()
        asking.join(0.5)
        assert asking.is_alive()  # queued by the kernel, waiting for the app: not refused
        building.set()
        asking.join(10)
    assert answers[0].status == 200
    assert b"Hello, Stranger!" in answers[0].body


def test_a_build_left_for_later_starts_only_when_asked(app):
    builds = []

    def build():
        builds.append(threading.current_thread().name)
        return app

    later = BuiltInBackground(build, start=False)
    with start_server(later) as server:
        answers = []
        asking = threading.Thread(target=lambda: answers.append(get(server.port)))
        asking.start()
        asking.join(0.5)
        assert asking.is_alive() and builds == []  # the request waits for a build not begun
        later.start()
        asking.join(10)
    assert answers[0].status == 200
    assert builds == ["flasky-build"]


def test_an_app_that_cannot_be_built_answers_503_and_is_logged(caplog):
    def build():
        raise RuntimeError("a broken install")

    app = BuiltInBackground(build)
    assert app.wait(10)
    with start_server(app) as server:
        answer = get(server.port)
    assert answer.status == 503
    assert answer.body == b"Flasky could not start. Its log file has the details."
    assert isinstance(app.error, RuntimeError)
    assert "a broken install" in caplog.text


# A launch whose system's table of file types calls scripts, styles and images plain text
# (as a Windows registry has) and JSON an image: ``argv[1]`` is that table, the rest the
# command line.
LAUNCH_WITH_A_WRONG_SYSTEM_TABLE = """
import mimetypes, sys
mimetypes.knownfiles = [sys.argv[1]]
from desktop.cli import main
main(sys.argv[2:])
"""


def test_the_page_and_its_files_are_sent_with_pythons_own_types(tmp_path, env):
    wrong_table = tmp_path / "mime.types"
    wrong_table.write_text("text/plain js css svg\nimage/png json\n")
    command = [sys.executable, "-c", LAUNCH_WITH_A_WRONG_SYSTEM_TABLE, str(wrong_table)]
    with AppProcess("--serve", env=env, command=command) as app:
        app.wait_for_event(SERVING)
        client = app.client()
        resources = page_resources(client.get("/").text).resources
        types = {resource: client.get(resource).headers["Content-Type"] for resource in resources}
        # A file the pages do not load: typed by Python's table, the system's not read at all.
        vendor_record = client.get("/static/vendor/moment/VENDOR.json").headers["Content-Type"]
    expected = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}
    assert {urlsplit(resource).path.rpartition(".")[2] for resource in resources} == set(expected)
    for resource, kind in types.items():
        assert kind.partition(";")[0] == expected[urlsplit(resource).path.rpartition(".")[2]]
    assert vendor_record == "application/json"
