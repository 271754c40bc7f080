from http.cookies import SimpleCookie

import pytest
from markupsafe import escape

from .helpers import csrf_token, submit_name

pytestmark = pytest.mark.portable


def test_index_greets_a_stranger_and_shows_the_form(client):
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Stranger!" in page
    assert 'name="name"' in page
    assert 'data-function="format" data-format="LLL"' in page
    assert 'data-function="fromNow"' in page


def test_name_form_posts_to_the_index_by_its_url(client):
    # An empty action attribute is invalid HTML; the form names its target instead.
    page = client.get("/").get_data(as_text=True)
    assert 'action="/" method="post"' in page
    assert 'action=""' not in page


def test_valid_post_redirects_to_the_index(client):
    response = submit_name(client, "Alice")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_post_redirect_get_shows_greeting_and_flash_only_once(client):
    submit_name(client, "Alice")
    response = submit_name(client, "Bob", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert [r.status_code for r in response.history] == [302]
    assert response.request.method == "GET"
    assert "Hello, Bob!" in page
    assert "Looks like you have changed your name!" in page

    reloaded = client.get("/").get_data(as_text=True)
    assert "Hello, Bob!" in reloaded
    assert "changed your name" not in reloaded


def test_first_name_and_same_name_do_not_flash(client):
    assert "changed your name" not in submit_name(client, "Alice", follow_redirects=True).text
    assert "changed your name" not in submit_name(client, "Alice", follow_redirects=True).text


def test_name_history_keeps_the_last_twenty(client):
    for number in range(25):
        submit_name(client, f"Name {number}")
    with client.session_transaction() as session:
        assert session["names"] == [f"Name {number}" for number in range(5, 25)]
        assert session.permanent


def test_empty_name_is_rejected_inline(client):
    response = submit_name(client, "   ")
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Hello, Stranger!" in response.text


def test_name_of_65_characters_is_rejected_inline(client):
    response = submit_name(client, "x" * 65)
    assert response.status_code == 200
    assert "Field must be between 1 and 64 characters long." in response.text
    assert submit_name(client, "x" * 64).status_code == 302


def test_user_page_greets_by_name(client):
    assert "Hello, Dave!" in client.get("/user/Dave").text


def test_user_page_escapes_markup_in_the_name(client):
    page = client.get("/user/<script>alert(1)").text
    assert "<script>alert(1)" not in page
    assert "Hello, &lt;script&gt;alert(1)!" in page


def test_user_by_id_shows_the_nth_name_of_the_history(client):
    submit_name(client, "Alice")
    submit_name(client, "Bob")
    assert "Hello, Alice!" in client.get("/user/1").text
    assert "Hello, Bob!" in client.get("/user/2").text


def test_user_by_id_is_404_past_the_history(client):
    submit_name(client, "Alice")
    assert client.get("/user/2").status_code == 404
    assert client.get("/user/0").status_code == 404


def test_int_converter_wins_over_name_for_digits(app):
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/user/42") == ("main.user_by_id", {"id": 42})
    assert adapter.match("/user/Dave") == ("main.user", {"name": "Dave"})


def test_request_page_shows_method_path_headers_and_args(client):
    page = client.get("/request?color=blue", headers={"X-Probe": "hello"}).text
    assert "<code>GET</code>" in page
    assert "<code>/request</code>" in page
    assert "http://localhost/request?color=blue" in page
    assert "X-Probe" in page and "hello" in page
    assert "<code>color</code>" in page and "<code>blue</code>" in page


def test_context_page_shows_the_four_globals(client):
    submit_name(client, "Alice")
    page = client.get("/context").text
    assert "<code>webapp</code>" in page
    assert "g.request_id" in page and "g.request_started" in page
    assert "<code>main.contexts</code>" in page
    assert "<code>Alice</code>" in page


def test_routes_page_lists_the_url_map(client, app):
    page = client.get("/routes").text
    for rule in app.url_map.iter_rules():
        assert f"<code>{escape(rule.rule)}</code>" in page
    assert "GET, POST" in page


def test_bad_request_page_is_a_400_in_the_base_template(client):
    response = client.get("/bad-request")
    assert response.status_code == 400
    assert "<h1>Bad Request</h1>" in response.text
    assert 'class="navbar' in response.text


def test_response_page_sets_the_answer_cookie(client):
    response = client.get("/response")
    cookie = SimpleCookie(response.headers["Set-Cookie"])
    assert cookie["answer"].value == "42"
    assert "has not sent the cookie yet" in response.text
    assert "answer=42</code>" in client.get("/response").text


def test_redirect_goes_to_the_index(client):
    response = client.get("/redirect")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_every_concept_page_shows_its_own_view_source(client):
    page = client.get("/request").text
    assert "def request_info():" in page
    assert "Read more in the Flask documentation" in page


def test_navbar_links_every_page(client):
    page = client.get("/").text
    for path in ["/", "/user/Dave", "/user/1", "/request", "/context", "/routes"]:
        assert f'href="{path}"' in page
    for path in ["/bad-request", "/response", "/redirect"]:
        assert f'href="{path}"' in page


def test_form_carries_a_csrf_token(client):
    assert len(csrf_token(client)) > 20
