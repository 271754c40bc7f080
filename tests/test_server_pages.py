"""The WSGI and threads pages: what they show is what the server really did, under Waitress."""

import http.client
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from threading import current_thread

import pytest
from flask import request, request_started

from desktop.server import start_server
from webapp.main.server import PROBE_SECONDS

POOL_THREAD = r"waitress-\d+"


@pytest.fixture
def served(app):
    """The app on a real Waitress server, as the desktop app serves it (minus the guard)."""
    with start_server(app) as server:
        yield server


def get(server, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def environ_rows(page: str) -> dict[str, tuple[str, str]]:
    rows = re.findall(
        r"<tr><td><code>([^<]+)</code></td><td[^>]*><code>([^<]*)</code></td><td>([^<]*)</td></tr>",
        page,
    )
    return {key: (value, meaning) for key, value, meaning in rows}


def test_the_wsgi_page_shows_each_environ_key_with_what_it_means(client):
    rows = environ_rows(client.get("/wsgi?colour=blue", headers={"X-Probe": "1"}).text)
    assert rows["REQUEST_METHOD"] == ("GET", "the HTTP method: GET, POST…")
    assert rows["PATH_INFO"][0] == "/wsgi"
    assert rows["QUERY_STRING"][0] == "colour=blue"
    assert rows["HTTP_X_PROBE"] == ("1", "the request&#39;s X-Probe header")
    assert rows["wsgi.version"][0] == "(1, 0)"
    assert rows["wsgi.input"][0].startswith("an object of ")
    assert all(meaning for _value, meaning in rows.values())


def test_under_the_test_client_no_server_is_named(client):
    page = client.get("/wsgi").text
    assert "No server that this page knows" in page
    assert "&lt;Flask &#39;webapp&#39;&gt;" in page and "<code>flask.app.Flask</code>" in page


def test_under_waitress_the_page_names_waitress_its_version_and_its_pool(served):
    status, page = get(served, "/wsgi")
    assert status == 200
    assert f"<strong>Waitress {version('waitress')}</strong>" in page
    assert "<code>SERVER_SOFTWARE</code> =\n      <code>Flasky</code>" in page  # desktop's ident
    rows = environ_rows(page)
    assert rows["wsgi.multithread"][0] == "True"
    assert rows["waitress.client_disconnected"][1].startswith("Waitress&#39;s way")


def test_the_threads_page_names_the_pool_thread_that_served_it(app, served):
    serving = {}

    def note_the_serving_thread(sender, **extra):
        serving[request.args["n"]] = current_thread().name

    request_started.connect(note_the_serving_thread, app)
    with ThreadPoolExecutor(8) as senders:
        busy = [senders.submit(get, served, f"/threads/probe?n=busy{n}") for n in range(4)]
        time.sleep(PROBE_SECONDS / 3)  # four threads of the pool are busy with these
        pages = list(senders.map(lambda n: get(served, f"/threads?n={n}")[1], map(str, range(4))))
        busy_threads = {json.loads(future.result()[1])["thread"] for future in busy}
    shown = {
        str(n): re.search(r'class="this-thread">([^<]+)<', page).group(1)
        for n, page in enumerate(pages)
    }
    assert shown == {n: thread for n, thread in serving.items() if not n.startswith("busy")}
    assert not busy_threads & set(shown.values())
    pool = re.search(r"\(((?:waitress-\d+, )*waitress-\d+)\)", pages[0]).group(1).split(", ")
    assert len(pool) == 8  # desktop.server's pool
    assert set(shown.values()) <= set(pool)
    assert f"<code>{shown['0']}</code>: serving this page" in pages[0]


def test_a_burst_is_served_by_several_pool_threads_at_the_same_time(served):
    with ThreadPoolExecutor(6) as senders:
        answers = [
            json.loads(page)
            for _status, page in senders.map(lambda _: get(served, "/threads/probe"), range(6))
        ]
    threads = {answer["thread"] for answer in answers}
    assert all(re.fullmatch(POOL_THREAD, thread) for thread in threads)
    assert len(threads) == 6
    first_finished = min(answer["finished"] for answer in answers)
    assert all(answer["started"] < first_finished for answer in answers)  # all at once
    assert all(
        answer["finished"] - answer["started"] >= PROBE_SECONDS * 1000 * 0.9 for answer in answers
    )


def test_a_burst_probe_is_never_cached(client):
    response = client.get("/threads/probe")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json["thread"]


def test_a_valid_burst_size_puts_the_burst_on_the_page(client):
    page = client.get("/threads?size=12").text
    assert 'data-burst-size="12" data-probe-url="/threads/probe"' in page
    assert '<script src="/static/burst.js"></script>' in page


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ("1000000", "Number must be between 1 and 24."),
        ("0", "Number must be between 1 and 24."),
        ("-3", "Number must be between 1 and 24."),
        ("abc", "Not a valid integer value."),
        ("1e3", "Not a valid integer value."),
        ("9" * 5000, "Not a valid integer value."),
        ("", "This field is required."),
    ],
)
def test_a_bad_burst_size_gets_a_clear_message_and_no_burst(client, size, message):
    response = client.get("/threads", query_string={"size": size})
    assert response.status_code == 200
    assert f'<div class="invalid-feedback">{message}</div>' in response.text
    assert "data-burst-size" not in response.text


def test_with_two_servers_in_the_process_the_page_shows_its_own_servers_pool(app, served):
    with start_server(app):  # another pool of eight, with the same thread names
        _status, page = get(served, "/threads")
    pool = re.search(r"\(((?:waitress-\d+, )*waitress-\d+)\)", page).group(1).split(", ")
    assert "keeps a pool of <strong>8</strong> threads" in page
    assert pool == [f"waitress-{number}" for number in range(8)]
