"""A small, bounded load run on the real threaded server (``make load`` runs the full one)."""

import signal

import psutil

from bench.load import access_cookie, run_load, start_serving


def test_concurrent_load_gets_no_errors_and_memory_settles(tmp_path):
    process, entry_url = start_serving(tmp_path)
    try:
        result = run_load(
            entry_url,
            psutil.Process(process.pid),
            requests=2000,
            concurrency=16,
            headers={"Cookie": access_cookie(entry_url)},
        )
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    assert result.errors == 0
    assert len(result.latencies_ms) == 2000
    after_warm_up, at_end = result.rss_mib[2], result.rss_mib[-1]
    assert at_end - after_warm_up < 20, result.rss_mib
