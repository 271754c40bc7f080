"""A real browser engine (Debian's Chromium, headless, through Playwright) on the real server."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    Route,
    WebError,
    expect,
    sync_playwright,
)

from desktop.access import AccessGuard, entry_url, new_token
from desktop.server import start_server
from webapp import create_app
from webapp.config import TestingConfig

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root, where Chromium's sandbox cannot work
    "--disable-gpu",
    # Without these Chromium calls home at start; the tests prove the app itself stays local.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 30_000  # generous: the machine may be busy building bundles
expect.set_options(timeout=TIMEOUT_MS)
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 400, "height": 800}
TOKEN = new_token()


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The base URL of the app, served by the desktop's own server and access guard on
    loopback; contexts made by ``new_context`` are let in through its entry URL.

    The one place that knows how to reach the app.
    """
    config = TestingConfig()
    config.SECRET_KEY = "a key for browser tests only"
    with start_server(AccessGuard(create_app(config), TOKEN)) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Traffic:
    """What the pages of one browser context asked for and complained about."""

    origin: str
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    error_pages: set[str] = field(default_factory=set)

    def guard(self, route: Route) -> None:
        """Let a request through to the app; stop and remember one to any other origin."""
        if origin_of(route.request.url) == self.origin:
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort("blockedbyclient")

    def record_response(self, response: Response) -> None:
        # The intentional 400, 403 (the access guard's) and 404 pages: the engine reports their
        # status on the console.
        if response.request.resource_type == "document" and response.status in (400, 403, 404):
            self.error_pages.add(response.url)

    def record_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        expected = message.text.startswith("Failed to load resource: the server responded")
        if not (expected and message.location.get("url") in self.error_pages):
            self.console_errors.append(f"{message.location.get('url')}: {message.text}")

    def record_page_error(self, web_error: WebError) -> None:
        self.console_errors.append(f"uncaught: {web_error.error}")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts on the app; each test fails if a page of theirs went elsewhere
    or logged an error.
    """
    made: list[tuple[BrowserContext, Traffic]] = []

    def make(**options) -> BrowserContext:
        options.setdefault("viewport", WIDE)
        context = browser.new_context(base_url=live_server, **options)
        context.set_default_timeout(TIMEOUT_MS)
        traffic = Traffic(origin=origin_of(live_server))
        context.route("**/*", traffic.guard)
        enter(context, entry_url(live_server, TOKEN))
        context.on("response", traffic.record_response)
        context.on("console", traffic.record_console)
        context.on("weberror", traffic.record_page_error)
        made.append((context, traffic))
        return context

    yield make
    for context, traffic in made:
        context.close()
        assert traffic.foreign == [], "requests left the app's origin"
        assert traffic.console_errors == [], "console errors"


def enter(context: BrowserContext, url: str) -> None:
    """Let the context in as the window is let in: its first load trades the token."""
    page = context.new_page()
    page.goto(url)
    page.close()


@pytest.fixture
def context(new_context) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()
