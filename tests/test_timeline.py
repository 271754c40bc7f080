"""The launch timeline that `make bench` reports: the app's milestones, its requests and the
web engine's timing on one clock, and the page's first frame on screen from the X server."""

import http.client
import io
from array import array

import pytest

from desktop.events import (
    MILESTONE,
    MILESTONES,
    PAGE_LOADED,
    REQUEST,
    SERVING,
    Events,
    ReportedRequests,
    parse_event,
)
from desktop.server import HOST, start_server
from harness.x11 import FirstPaint, first_page_frame


@pytest.mark.window
def test_a_launch_tells_each_step_in_order_and_its_first_frame_on_screen(
    start_app, xvfb, window_env
):
    with FirstPaint(xvfb, "Flasky") as watch:
        app = start_app(env=window_env)
        loaded = app.wait_for_event(PAGE_LOADED)
        on_screen = watch.first_paint()

    milestones = {event["name"]: event["at"] for event in app.events(MILESTONE)}
    assert set(milestones) == set(MILESTONES)
    serving = app.wait_for_event(SERVING)["at"]
    assert app.started < milestones["command-line"] <= milestones["prepared"] <= serving
    assert serving < milestones["window-shown"]

    # The server's side of the page: the entry redirect, then the page, before it loaded.
    requests = app.events(REQUEST)
    assert [(r["path"], r["status"]) for r in requests[:2]] == [("/", 303), ("/", 200)]
    page = requests[1]
    assert page["at"] <= page["end"] < loaded["at"]

    # The engine's side, placed on the same clock to within its uncertainty: it fetched the
    # page before the server got it, and received it after.
    timing = loaded["timing"]
    off = timing["uncertainty"] + 0.001  # and the rounding
    assert timing["fetch_start"] - off <= page["at"] <= timing["response_end"] + off
    assert timing["response_end"] <= timing["dom_content_loaded"] <= loaded["at"] + off

    # On screen only once it was sent: not the empty window, nor its menu bar over nothing.
    assert on_screen is not None and on_screen > page["end"]


def frame(*rows: list[int]) -> bytes:
    return array("I", [pixel for row in rows for pixel in row]).tobytes()


BLACK, WHITE, GREY, DARK = 0x000000, 0xFFFFFF, 0xDDDDDD, 0x212529


def test_the_page_is_on_screen_in_the_first_frame_that_shows_it():
    menu_bar = [GREY, BLACK, GREY, GREY, BLACK, GREY, GREY, GREY]
    empty = frame([BLACK] * 8, [BLACK] * 8, [BLACK] * 8)
    menu_bar_only = frame(menu_bar, [WHITE] * 8, [WHITE] * 8)
    page = frame(menu_bar, [DARK] * 8, [DARK, WHITE, DARK, DARK] * 2)
    assert first_page_frame([empty, menu_bar_only, empty, menu_bar_only, page]) == 4
    # A page on screen, then a small change (a caret, a hover): it was on screen already.
    changed = frame(menu_bar, [DARK] * 8, [DARK, WHITE, DARK, DARK, DARK, WHITE, DARK, GREY])
    assert first_page_frame([empty, page, changed]) == 1

    unpainted, blank = frame([BLACK] * 8, [BLACK] * 8), frame([WHITE] * 8, [WHITE] * 8)
    text = frame([WHITE, BLACK, BLACK, WHITE] * 2, [WHITE] * 8)
    assert first_page_frame([unpainted, blank, text]) == 2
    assert first_page_frame([]) is None


def test_reported_requests_are_sent_as_they_would_be_without_the_report(app):
    def entry(environ, start_response):  # as the access guard answers the entry
        start_response("303 See Other", [("Location", "/")])
        return [b""]

    written = io.StringIO()
    reported = ReportedRequests(
        lambda environ, start: (entry if environ["PATH_INFO"] == "/entry" else app)(environ, start),
        Events(written),
    )
    with start_server(reported) as server:
        answers = {}
        for path in ("/entry?token=secret", "/static/flasky.css", "/"):
            connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            answers[path.split("?")[0]] = (response.status, dict(response.getheaders()))
            response.read()
            connection.close()
    # A list and a file keep their length (and the file the server's way of sending it).
    for path in ("/entry", "/static/flasky.css"):
        assert "Content-Length" in answers[path][1], path
        assert "Transfer-Encoding" not in answers[path][1], path
    events = [parse_event(line) for line in written.getvalue().splitlines()]
    assert [(e["path"], e["status"]) for e in events] == [
        ("/entry", 303),
        ("/static/flasky.css", 200),
        ("/", 200),
    ]
    assert all(e["at"] <= e["end"] for e in events) and "secret" not in written.getvalue()
