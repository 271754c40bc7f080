"""A bounded load run against the real app: `python -m bench.load [--requests N] [--concurrency C]`.

It starts `main.py --serve` in a throwaway home folder, lets in through the printed address,
sends N requests from C threads over keep-alive loopback connections, samples the server's
memory as it goes, and stops the server with SIGTERM. Nothing leaves 127.0.0.1.
"""

import argparse
import http.client
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from desktop.selftest import fetch

ROOT = Path(__file__).resolve().parents[1]
PATHS = [
    "/",
    "/static/flasky.css",
    "/request",
    "/user/Dave",
    "/bootstrap/static/css/bootstrap.min.css",
]


@dataclass
class LoadResult:
    requests: int
    concurrency: int
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    rss_mib: list[float] = field(default_factory=list)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def summary(self) -> dict:
        data = asdict(self)
        del data["latencies_ms"]
        return data | {
            "requests_per_second": round(self.requests_per_second, 1),
            "p50_ms": round(self.percentile(0.50), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2),
        }


def start_serving(home: Path) -> tuple[subprocess.Popen, str]:
    env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "PATH": "/usr/bin:/bin",
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--serve"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    line = process.stdout.readline()
    return process, line.split("serving on ")[1].split()[0]


def access_cookie(entry_url: str) -> str:
    """The cookie the entry URL's token is traded for, as a ``name=value`` header value."""
    _, headers, _ = fetch(entry_url, f"/?{urlsplit(entry_url).query}")
    return headers["Set-Cookie"].split(";")[0]


def run_load(
    url: str,
    server: psutil.Process,
    requests: int,
    concurrency: int,
    paths: list[str] = PATHS,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Send ``requests`` GETs for ``paths`` from ``concurrency`` threads to the server at
    ``url``; sample the server's RSS 10 times."""
    parts = urlsplit(url)
    headers = headers or {}
    result = LoadResult(requests, concurrency)
    lock = threading.Lock()
    sent = iter(range(requests))

    def worker() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while True:
            with lock:
                number = next(sent, None)
                if number is not None and number % (requests // 10) == 0:
                    result.rss_mib.append(round(server.memory_info().rss / 2**20, 1))
            if number is None:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", paths[number % len(paths)], headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                result.latencies_ms.append(elapsed)
                result.errors += not ok
        connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    result.seconds = time.perf_counter() - started
    result.rss_mib.append(round(server.memory_info().rss / 2**20, 1))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=16)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        process, entry_url = start_serving(Path(home))
        try:
            result = run_load(
                entry_url, psutil.Process(process.pid), options.requests, options.concurrency
            )
        finally:
            process.send_signal(signal.SIGTERM)
            status = process.wait(30)
    print(json.dumps(result.summary() | {"server_exit_status": status}, indent=2))


if __name__ == "__main__":
    main()
