"""Offline, always: every page loads only what the app itself serves."""

import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from .helpers import submit_name

VENDOR = Path(__file__).parents[1] / "webapp" / "static" / "vendor" / "moment"


class ResourceCollector(HTMLParser):
    """Collects the URLs a page loads: scripts, stylesheets, icons, images, frames, media."""

    def __init__(self):
        super().__init__()
        self.resources: list[str] = []
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self.links.append(attributes)
        elif tag == "link":
            self.resources.append(attributes.get("href") or "")
        elif "src" in attributes:
            self.resources.append(attributes["src"] or "")


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
        yield path, client.get(path, follow_redirects=True)
    yield "/missing", client.get("/missing")


def test_every_page_loads_only_same_origin_resources(app, client):
    origin = "http://localhost"
    checked = 0
    for path, response in get_pages(app, client):
        parser = ResourceCollector()
        parser.feed(response.text)
        assert parser.resources, path
        for resource in parser.resources:
            absolute = urljoin(origin + path, resource)
            assert urlsplit(absolute).netloc == "localhost", f"{path} loads {resource}"
            assert client.get(urlsplit(absolute).path).status_code == 200, resource
            checked += 1
    assert checked > 30


def test_links_to_other_sites_open_in_a_new_window(app, client):
    for _path, response in get_pages(app, client):
        parser = ResourceCollector()
        parser.feed(response.text)
        for link in parser.links:
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
