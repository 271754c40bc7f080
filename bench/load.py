"""A bounded load run against the real app: `python -m bench.load [--requests N] [--concurrency C]`.

It starts `main.py --serve` in a throwaway home folder (or takes `--entry-url` of an app that
is already serving), lets each client in through the entry URL, sends N requests from C threads
over keep-alive loopback connections, samples the server's memory as it goes, and stops the
server it started with SIGTERM. Nothing leaves 127.0.0.1. It exits 1, with a one-line reason,
unless every request was answered 200 with the content the app serves at that path.
"""

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from http.client import HTTPException
from pathlib import Path

import psutil

from desktop.client import AccessRefused, AppClient, Response
from harness.process import AppFailed, AppProcess, user_environment

# Each path the load asks for, with what the app answers it with: its content type, and text
# that only that answer has.
PATHS = {
    "/": ("text/html", "<h1>Hello, Stranger!</h1>"),
    "/static/flasky.css": ("text/css", ".concept pre {"),
    "/request": ("text/html", "<h1>The request</h1>"),
    "/user/Dave": ("text/html", "<h1>Hello, Dave!</h1>"),
    "/bootstrap/static/css/bootstrap.min.css": ("text/css", "Bootstrap"),
}


@dataclass
class LoadResult:
    requests: int
    concurrency: int
    errors: int = 0
    seconds: float = 0.0
    answers: dict[str, int] = field(default_factory=dict)  # "200 text/html": 1200, ...
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    rss_mib: list[float] = field(default_factory=list)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def problem(self) -> str | None:
        """Why this run measured something other than the app serving its pages, if it did."""
        if len(self.latencies_ms) != self.requests:
            return f"{len(self.latencies_ms)} of {self.requests} requests were answered"
        if self.errors:
            wrong = ", ".join(f"{count} × {answer}" for answer, count in self.answers.items())
            return f"{self.errors} of {self.requests} requests failed (answers: {wrong})"
        return None

    def summary(self) -> dict:
        data = asdict(self)
        del data["latencies_ms"]
        return data | {
            "requests_per_second": round(self.requests_per_second, 1),
            "p50_ms": round(self.percentile(0.50), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2),
        }


def answer_of(response: Response, marker: str) -> str:
    """The answer in a few words: its status and content type, and whether it has ``marker``."""
    content_type = response.headers.get("Content-Type", "").split(";")[0]
    if marker.encode() not in response.body:
        return f"{response.status} {content_type} without {marker!r}"
    return f"{response.status} {content_type}"


def run_load(
    new_client: Callable[[], AppClient],
    server: psutil.Process | None,
    requests: int,
    concurrency: int,
    paths: dict[str, tuple[str, str]] | None = None,
) -> LoadResult:
    """Send ``requests`` GETs for ``paths`` from ``concurrency`` threads, each with a client
    of its own from ``new_client``; sample the ``server`` process's RSS 10 times. A request
    is an error unless it is answered 200 with the content type and text its path has
    (``paths``, by default PATHS)."""
    result = LoadResult(requests, concurrency)
    lock = threading.Lock()
    sent = iter(range(requests))
    ordered = list((paths or PATHS).items())

    def worker(client: AppClient) -> None:
        while True:
            with lock:
                number = next(sent, None)
                if server and number is not None and number % max(1, requests // 10) == 0:
                    result.rss_mib.append(rss_mib(server))
            if number is None:
                break
            path, (content_type, marker) = ordered[number % len(ordered)]
            started = time.perf_counter()
            try:
                answer = answer_of(client.get(path), marker)
            except (OSError, HTTPException) as error:
                answer = type(error).__name__
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                result.latencies_ms.append(elapsed)
                result.answers[answer] = result.answers.get(answer, 0) + 1
                result.errors += answer != f"200 {content_type}"
        client.close()

    clients = [new_client() for _ in range(concurrency)]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for outcome in [pool.submit(worker, client) for client in clients]:
            outcome.result()
    result.seconds = time.perf_counter() - started
    if server:
        result.rss_mib.append(rss_mib(server))
    return result


def rss_mib(process: psutil.Process) -> float:
    return round(process.memory_info().rss / 2**20, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--entry-url",
        help="load an app that is already serving: the address it printed, with its token "
        "(its memory is not sampled)",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        app = None if options.entry_url else AppProcess("--serve", env=user_environment(Path(home)))
        try:
            entry_url = options.entry_url or app.entry_url
            result = run_load(
                lambda: AppClient.enter(entry_url),
                psutil.Process(app.pid) if app else None,
                options.requests,
                options.concurrency,
            )
            if app:
                app.send()
                status = app.wait(30)
        except (AccessRefused, AppFailed) as failed:
            print(f"bench.load: {str(failed).splitlines()[0]}.", file=sys.stderr)
            return 1
        finally:
            if app:
                app.kill()
    print(json.dumps(result.summary() | ({"server_exit_status": status} if app else {}), indent=2))
    problem = result.problem() or (f"the server exited with {status}" if app and status else None)
    if problem:
        print(f"bench.load: {problem}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
