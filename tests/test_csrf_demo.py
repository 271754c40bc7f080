"""The CSRF demo: the same form, sent three ways; only the one with your own token passes."""

import re

import pytest

from .helpers import csrf_token

pytestmark = pytest.mark.portable

TARGET = "/csrf/target"


def demo_forms(client) -> dict[str, str | None]:
    """Each form of the demo by its heading, with the token it carries (None: no token)."""
    page = client.get("/csrf").text
    forms = re.findall(
        r'<section class="card h-100 csrf-form" aria-label="([^"]+)">(.*?)</section>', page, re.S
    )
    assert forms, "the demo has no forms"
    return {
        heading: (
            found.group(1)
            if (found := re.search(r'name="csrf_token" value="([^"]+)"', body))
            else None
        )
        for heading, body in forms
    }


@pytest.fixture
def forms(client):
    return demo_forms(client)


def test_the_demo_has_the_same_form_three_ways(client, forms):
    assert list(forms) == [
        "As another site would send it",
        "With another session&#39;s token",
        "From this app&#39;s own page",
    ]
    no_token, theirs, yours = forms.values()
    assert no_token is None
    assert theirs and yours and theirs != yours
    assert yours == csrf_token(client, "/")  # the token every form of yours carries


def test_a_form_without_a_token_gets_the_friendly_400_with_its_reason(client, forms):
    response = client.post(TARGET)
    assert response.status_code == 400
    assert "The form has expired" in response.text
    assert "This is what a forged request gets" in response.text
    assert "<strong>The CSRF token is missing.</strong>" in response.text
    assert 'href="/csrf">Back to the CSRF demo' in response.text


def test_a_form_with_another_sessions_token_is_refused_as_not_matching(client, forms):
    response = client.post(TARGET, data={"csrf_token": forms["With another session&#39;s token"]})
    assert response.status_code == 400
    assert "<strong>The CSRF tokens do not match.</strong>" in response.text


def test_a_token_from_a_real_second_session_is_refused_the_same_way(app, client):
    mallory = app.test_client()
    client.get("/csrf")  # the victim has a session with a token of its own
    response = client.post(TARGET, data={"csrf_token": csrf_token(mallory, "/csrf")})
    assert response.status_code == 400
    assert "<strong>The CSRF tokens do not match.</strong>" in response.text


def test_the_same_form_with_your_own_token_is_accepted(client, forms):
    response = client.post(TARGET, data={"csrf_token": forms["From this app&#39;s own page"]})
    assert response.status_code == 302
    assert response.headers["Location"] == "/csrf"
    assert "Accepted: the form carried the token of your own session" in client.get("/csrf").text


def test_other_forms_keep_their_own_message_and_way_back(client):
    response = client.post("/session/tamper")
    assert response.status_code == 400
    assert "<strong>The CSRF token is missing.</strong>" in response.text
    assert "forged request" not in response.text
    assert 'href="/">Back to the home page' in response.text
