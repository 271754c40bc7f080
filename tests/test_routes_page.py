"""Decorators register handlers: /routes leads from each rule to the function registered for it."""

import inspect
import re

import pytest
from markupsafe import escape

pytestmark = pytest.mark.portable


def test_every_rule_links_to_the_function_its_decorator_registered(app, client):
    page = client.get("/routes").text
    for rule in app.url_map.iter_rules():
        link = f'<a href="/routes/{rule.endpoint}"><code>{rule.endpoint}</code></a>'
        assert link in page, rule.endpoint
        function_page = client.get(f"/routes/{rule.endpoint}")
        assert function_page.status_code == 200
        assert f"<code>{escape(rule.rule)}</code>" in function_page.text


def test_a_function_page_shows_the_function_and_its_source_with_the_decorator(app, client):
    page = client.get("/routes/main.user").text
    assert '<code class="function-name">webapp.main.views.user</code>' in page
    source = inspect.getsource(app.view_functions["main.user"])
    assert source.startswith('@bp.route("/user/<name>")')
    assert f"<code>{escape(source)}</code>" in page


def test_a_function_with_two_rules_names_both(client):
    page = client.get("/routes/main.index").text
    assert "<code>/</code>" in page


def test_an_unknown_endpoint_is_a_404(client):
    assert client.get("/routes/main.nothing").status_code == 404


def test_the_routes_page_lists_the_handlers_of_other_events_in_the_order_flask_calls_them(
    app, client
):
    page = client.get("/routes").text
    rows = re.findall(r"<tr><td>([^<]+)</td><td><code>([^<]+)</code></td></tr>", page)
    events = {}
    for event, function in rows:
        events.setdefault(event, []).append(function)
    assert "webapp.main.views.remember_request_start" in events["before each request"]
    assert events["after each request"] == [
        f"{hook.__module__}.{hook.__qualname__}" for hook in reversed(app.after_request_funcs[None])
    ]
    assert events["the error 404 (NotFound)"] == ["webapp.main.errors.page_not_found"]
    assert events["the error 400 (CSRFError)"] == ["webapp.main.errors.csrf_error"]
