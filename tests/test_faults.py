"""Things going wrong around the running app: it explains, keeps working or exits cleanly,
and never loses what it saved."""

import http.client
import re
import signal
from urllib.parse import urlsplit

from harness.process import AppProcess

from .helpers import submit_name


def stop(app: AppProcess) -> str:
    app.send(signal.SIGTERM)
    assert app.wait() == 0
    return app.output()


def test_corrupt_secret_key_file_is_replaced_and_the_app_serves(start_app, home, env):
    key_file = home / "data" / "Flasky" / "secret_key"
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes(b"\x00garbage\xff")
    app = start_app("--serve", env=env)
    assert "Hello, Stranger!" in app.client().get().text
    stop(app)
    assert "is corrupt; setting it aside" in app.log()
    assert re.fullmatch(r"[0-9a-f]{64}", key_file.read_text())
    assert (key_file.parent / "secret_key.corrupt").read_bytes() == b"\x00garbage\xff"


def test_sigterm_in_the_middle_of_a_post_exits_cleanly_and_keeps_the_session(start_app, home, env):
    first = start_app("--serve", env=env)
    client = first.client()
    assert submit_name(client, "Alice").status == 302
    assert "Hello, Alice!" in client.get().text
    key = (home / "data" / "Flasky" / "secret_key").read_text()

    parts = urlsplit(first.entry_url)
    half_sent = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    half_sent.putrequest("POST", "/")
    half_sent.putheader("Content-Type", "application/x-www-form-urlencoded")
    half_sent.putheader("Content-Length", "1000")
    half_sent.endheaders(b"name=Bo")
    output = stop(first)
    half_sent.close()
    assert "Flasky stopped." in output
    assert "Traceback" not in output

    second = start_app("--serve", env=env)
    assert "Hello, Alice!" in second.client(cookies=client.cookies).get().text
    stop(second)
    assert (home / "data" / "Flasky" / "secret_key").read_text() == key
