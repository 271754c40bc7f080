"""The server's UTC time, shown by moment.js in the visitor's own zone and language."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from ..moment_formats import english_lll, german_lll

LOCALES = {
    "en-US": (english_lll, "a few seconds ago", "2 minutes ago"),
    "de-DE": (german_lll, "vor ein paar Sekunden", "vor 2 Minuten"),
}


@pytest.mark.parametrize(
    ("timezone", "locale"),
    [
        ("America/Los_Angeles", "en-US"),
        ("Asia/Kolkata", "en-US"),
        ("Europe/Berlin", "de-DE"),
    ],
)
def test_index_shows_the_server_time_in_the_visitors_zone_and_language(
    new_context, timezone, locale
):
    page = new_context(timezone_id=timezone, locale=locale).new_page()
    page.clock.install()  # the page's own clock, so the test can move it a minute on
    page.goto("/")
    local_time = page.locator("[data-function=format]")
    relative_time = page.locator("[data-function=fromNow]")
    utc = datetime.fromisoformat(local_time.get_attribute("data-timestamp"))
    assert utc.utcoffset().total_seconds() == 0
    assert relative_time.get_attribute("data-timestamp") == local_time.get_attribute(
        "data-timestamp"
    )

    lll, just_now, two_minutes_later = LOCALES[locale]
    expect(local_time).to_have_text(lll(utc.astimezone(ZoneInfo(timezone))))
    expect(relative_time).to_have_text(just_now)

    page.clock.fast_forward("02:00")
    expect(relative_time).to_have_text(two_minutes_later)
    expect(local_time).to_have_text(lll(utc.astimezone(ZoneInfo(timezone))))
