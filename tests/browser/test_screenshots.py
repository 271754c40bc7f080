"""Screenshots of every page, wide and narrow; `make screenshots` copies them to docs/."""

import struct

import pytest

from harness.process import ROOT

from .conftest import NARROW, WIDE
from .pages import every_page

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
