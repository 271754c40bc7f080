"""Every page of the web app, for the tests that look at all of them."""

import re

from flask import Flask, url_for

EXAMPLE_ARGUMENTS = {
    "name": "Dave",
    "id": 1,
    "filename": "flasky.css",
    "rule_endpoint": "main.index",
    "response_id": "no-such-response",
}


def every_page_path(app: Flask) -> list[str]:
    """A path for each rule that answers GET, with example values for its arguments."""
    with app.test_request_context():
        return sorted(
            url_for(rule.endpoint, **{name: EXAMPLE_ARGUMENTS[name] for name in rule.arguments})
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
        )


def panel_source(page: str) -> str | None:
    """Where the response panel of ``page`` gets its status line and headers."""
    found = re.search(r'<details class="response-panel[^"]*" data-src="([^"]+)">', page)
    return found and found.group(1)


def every_page_text(client, app: Flask) -> dict[str, str]:
    """Each page's text, and its response panel's, by path."""
    texts = {}
    for path in every_page_path(app):
        texts[path] = client.get(path).get_data(as_text=True)
        if source := panel_source(texts[path]):
            texts[source] = client.get(source).get_data(as_text=True)
    return texts
