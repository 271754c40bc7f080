"""Screenshots of every page, wide and narrow, and of a few in dark mode; `make screenshots` copies
them to docs/."""

import struct

import pytest

from harness.process import ROOT

from .conftest import NARROW, WIDE
from .pages import (
    every_page,
    give_a_name,
    open_the_refusal_page,
    submit_name,
    tamper_with_the_session,
)

SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "narrow"])
def test_every_page_has_a_screenshot(new_context, viewport):
    page = new_context(viewport=viewport).new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, _response in every_page(page):
        picture = page.screenshot(path=SCREENSHOTS / f"{name}-{viewport['width']}.png")
        assert png_size(picture) == (viewport["width"], viewport["height"])


def test_key_pages_have_a_dark_screenshot(new_context):
    """The home page, a page with its source and concept, a demo's alerts, an error page, the
    access guard's page."""
    page = new_context(color_scheme="dark").new_page()

    def shoot(name: str) -> None:
        picture = page.screenshot(path=SCREENSHOTS / f"{name}-dark-{WIDE['width']}.png")
        assert png_size(picture) == (WIDE["width"], WIDE["height"])

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    give_a_name(page, "Alice")
    submit_name(page, "Bob")
    shoot("index-changed-name")
    page.goto("/routes/main.index")
    shoot("routes-main.index")
    tamper_with_the_session(page)
    page.locator(".signature-check").scroll_into_view_if_needed()
    shoot("session-tampered")
    page.goto("/no-such-page")
    shoot("no-such-page")
    open_the_refusal_page(page)
    shoot("refused")
