"""The command line page shows what `flask --app webapp … --help` really prints."""

import html
import os
import re
import subprocess
import sys

import pytest

from harness.process import ROOT


def shown_outputs(page: str) -> dict[str, str]:
    found = re.findall(
        r'<h2 class="h5 mt-4"><code>\$ ([^<]+)</code></h2>\s*<pre[^>]*><code>(.*?)</code></pre>',
        page,
        re.S,
    )
    return {command: html.unescape(output) for command, output in found}


@pytest.mark.parametrize("arguments", [["--help"], ["run", "--help"]], ids=["flask", "flask-run"])
def test_the_page_shows_what_the_real_flask_command_prints(client, arguments):
    command = ["flask", "--app", "webapp", *arguments]
    printed = subprocess.run(
        [sys.executable, "-m", "flask", *command[1:]],
        cwd=ROOT,
        env={**os.environ, "FLASKY_SECRET_KEY": "a key for tests only", "COLUMNS": "80"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert shown_outputs(client.get("/command-line").text)[" ".join(command)] == printed.replace(
        "python -m flask", "flask"
    )


def test_showing_the_help_leaves_the_app_and_the_environment_as_they_were(app, client, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")  # what `flask` would turn the app's debug on with
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)  # other tests' runs may leave it
    client.get("/command-line")
    assert "FLASK_RUN_FROM_CLI" not in os.environ
    assert app.debug is False
    assert list(shown_outputs(client.get("/command-line").text)) == [
        "flask --app webapp --help",
        "flask --app webapp run --help",
    ]
