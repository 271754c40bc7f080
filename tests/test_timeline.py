"""The launch timeline that `make bench` reports: the app's milestones, its requests and the
web engine's timing on one clock, and the page's first frame on screen from the X server."""

from array import array

import pytest

from desktop.events import MILESTONE, MILESTONES, PAGE_LOADED, REQUEST, SERVING
from harness.x11 import FirstPaint, first_page_frame

SLACK = 0.05  # seconds: the page's clock is placed on the monotonic one through a round trip


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
    assert serving < milestones["app-built"] and serving < milestones["window-shown"]

    # The server's side of the page: the entry redirect, then the page, before it loaded.
    requests = app.events(REQUEST)
    assert [(r["path"], r["status"]) for r in requests[:2]] == [("/", 303), ("/", 200)]
    page = requests[1]
    assert page["at"] <= page["end"] < loaded["at"]

    # The engine's side, on the same clock: it fetched the page as the server got it.
    timing = loaded["timing"]
    assert timing["fetch_start"] - SLACK <= page["at"] <= timing["response_end"] + SLACK
    assert timing["response_end"] <= timing["dom_content_loaded"] <= loaded["at"] + SLACK

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

    unpainted, blank = frame([BLACK] * 8, [BLACK] * 8), frame([WHITE] * 8, [WHITE] * 8)
    text = frame([WHITE, BLACK, BLACK, WHITE] * 2, [WHITE] * 8)
    assert first_page_frame([unpainted, blank, text]) == 2
    assert first_page_frame([]) is None
