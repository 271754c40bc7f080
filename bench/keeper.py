"""What keeping the session on disk costs: the name form's POST, each answer changing the
session, through the launch's own middleware with the session keeper and without it."""

import statistics
import tempfile
import time
from pathlib import Path

from desktop.access import AccessGuard, entry_url, new_token
from desktop.client import AppClient
from desktop.keeper import SessionKeeper
from desktop.server import start_server
from webapp import create_app
from webapp.config import load_config

CSRF_FIELD = 'name="csrf_token" type="hidden" value="'


class KeeperFailed(Exception):
    """A POST of the benchmark was not answered as the app answers a valid name."""


def post_milliseconds(keep: bool, posts: int) -> list[float]:
    """Milliseconds of each of ``posts`` POSTs of a new name, with the keeper or without."""
    config = load_config("desktop", {"FLASKY_SECRET_KEY": "a key for the benchmark only"})
    token = new_token()
    with tempfile.TemporaryDirectory() as folder:
        app = AccessGuard(create_app(config), token)
        if keep:
            app = SessionKeeper(app, Path(folder) / "session_cookie", config.SESSION_COOKIE_NAME)
        with start_server(app) as server:
            client = AppClient.enter(entry_url(server.url, token))
            page = client.get("/").text
            csrf = page.split(CSRF_FIELD, 1)[1].split('"', 1)[0]
            times = []
            for number in range(posts):
                started = time.perf_counter()
                answer = client.post("/", {"name": f"Name {number}", "csrf_token": csrf})
                times.append((time.perf_counter() - started) * 1000)
                if answer.status != 302:
                    raise KeeperFailed(f"a POST answered {answer.status}, not 302")
            client.close()
    return times


def benchmark_keeper(posts: int = 200, rounds: int = 5) -> dict:
    """Median POST time with and without the keeper, over alternating rounds."""
    measured: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(rounds):
        for variant in measured:
            measured[variant] += post_milliseconds(variant == "with", posts)
    without, with_ = (statistics.median(measured[name]) for name in ("without", "with"))
    return {
        "posts": posts * rounds,
        "without_ms": round(without, 2),
        "with_ms": round(with_, 2),
        "extra_ms": round(with_ - without, 2),
        "ratio": round(with_ / without, 2),
    }
