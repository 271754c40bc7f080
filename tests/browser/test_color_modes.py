"""The pages follow the colour scheme the browser reports (the desktop window reports the one
chosen in its View menu): Bootstrap's colour modes, set by webapp/static/color-mode.js."""

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import open_the_refusal_page

# How the page looks at its first frame (just before it is first painted) and when its HTML has
# been parsed: an init script runs before any script of the page.
RECORD_THE_FIRST_LOOKS = """
const look = () => ({
  theme: document.documentElement.dataset.bsTheme,
  background: document.body ? getComputedStyle(document.body).backgroundColor : null,
});
requestAnimationFrame(() => { window.firstFrame = look(); });
addEventListener("DOMContentLoaded", () => { window.parsed = look(); });
"""


def looks(css_color: str | None) -> str:
    """Whether a CSS colour looks "dark" or "light" (by its mean channel), or is "transparent"."""
    channels = [float(number) for number in re.findall(r"[\d.]+", css_color or "")]
    if len(channels) < 3 or channels[3:] == [0]:
        return "transparent"
    return "dark" if sum(channels[:3]) < 3 * 128 else "light"


def background(page: Page) -> str:
    return looks(page.evaluate("getComputedStyle(document.body).backgroundColor"))


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", "/no-such-page"])
def test_a_page_is_in_the_systems_colour_mode_from_its_first_frame(new_context, color_scheme, path):
    context = new_context(color_scheme=color_scheme)
    context.add_init_script(RECORD_THE_FIRST_LOOKS)
    page = context.new_page()
    page.goto(path)
    for moment in ["firstFrame", "parsed"]:
        look = page.evaluate(f"window.{moment}")
        assert look["theme"] == color_scheme, moment
        assert looks(look["background"]) == color_scheme, moment


def test_an_open_page_follows_a_change_of_the_systems_colour_scheme(new_context):
    page = new_context(color_scheme="light").new_page()
    page.goto("/request")
    html = page.locator("html")
    expect(html).to_have_attribute("data-bs-theme", "light")
    for color_scheme in ["dark", "light"]:
        page.emulate_media(color_scheme=color_scheme)
        expect(html).to_have_attribute("data-bs-theme", color_scheme)
        assert background(page) == color_scheme


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_access_guards_page_is_in_the_systems_colour_mode(new_context, color_scheme):
    page = new_context(color_scheme=color_scheme).new_page()
    open_the_refusal_page(page)
    assert background(page) == color_scheme
