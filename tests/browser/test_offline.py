"""Offline in a real browser: every request a page makes goes to the app itself."""

from playwright.sync_api import Request

from .conftest import origin_of
from .pages import every_page, page_count


def test_every_page_requests_only_the_apps_own_origin(page, live_server):
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    visited = [name for name, _response in every_page(page)]

    assert len(visited) == page_count()
    assert {origin_of(request.url) for request in requests} == {origin_of(live_server)}
    kinds = {request.resource_type for request in requests}
    assert {"document", "stylesheet", "script", "image"} <= kinds
    assert any(request.url.endswith("/moment-with-locales.min.js") for request in requests)
