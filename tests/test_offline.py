"""Offline, always: every page loads only what the app itself serves."""

import hashlib
import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from desktop.selftest import page_resources

from .helpers import submit_name

pytestmark = pytest.mark.portable

VENDOR = Path(__file__).parents[1] / "webapp" / "static" / "vendor" / "moment"


def get_pages(app, client):
    submit_name(client, "Alice")
    for rule in app.url_map.iter_rules():
        if (
            "GET" not in rule.methods
            or rule.endpoint == "static"
            or rule.arguments - {"name", "id"}
        ):
            continue
        path = rule.rule.replace("<name>", "Dave").replace("<int:id>", "1")
        response = client.get(path, follow_redirects=True)
        if response.mimetype == "text/html":
            yield path, response
    yield "/missing", client.get("/missing")


def test_every_page_loads_only_same_origin_resources(app, client):
    origin = "http://localhost"
    checked = 0
    for path, response in get_pages(app, client):
        parser = page_resources(response.text)
        assert parser.resources, path
        for resource in parser.resources:
            absolute = urljoin(origin + path, resource)
            assert urlsplit(absolute).netloc == "localhost", f"{path} loads {resource}"
            assert client.get(urlsplit(absolute).path).status_code == 200, resource
            checked += 1
    assert checked > 30


def test_links_to_other_sites_open_in_a_new_window(app, client):
    for _path, response in get_pages(app, client):
        for link in page_resources(response.text).links:
            if urlsplit(link["href"]).netloc:
                assert link.get("target") == "_blank"
                assert "noopener" in link.get("rel", "")


def test_moment_js_matches_its_recorded_checksum():
    record = json.loads((VENDOR / "VENDOR.json").read_text())
    digest = hashlib.sha256((VENDOR / record["file"]).read_bytes()).hexdigest()
    assert digest == record["sha256"]
    assert f'.version="{record["version"]}"' in (VENDOR / record["file"]).read_text()
    assert (VENDOR / record["licence_file"]).read_text().startswith("Copyright (c) JS Foundation")


@pytest.mark.parametrize("path", ["/", "/user/Dave"])
def test_bootstrap_is_served_by_the_app(client, path):
    assert 'href="/bootstrap/static/css/bootstrap.min.css"' in client.get(path).text
