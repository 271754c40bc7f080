"""Only the app's own window (or the browser it opened) can use the loopback server."""

import http.client
import socket
from http.cookies import SimpleCookie

import psutil
import pytest

from desktop.access import ACCESS_COOKIE, AccessGuard
from desktop.server import start_server

TOKEN = "launch-token-for-tests"


@pytest.fixture
def server(app):
    server = start_server(AccessGuard(app, TOKEN))
    yield server
    server.stop()


def request(server, path="/", host=None, cookie=None, method="GET", body=None, raw_headers=()):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.putrequest(method, path, skip_host=True)
    connection.putheader("Host", f"127.0.0.1:{server.port}" if host is None else host)
    if cookie is not None:
        connection.putheader("Cookie", cookie)
    for name, value in raw_headers:
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    response.text = response.read().decode("utf-8", "replace")
    connection.close()
    return response


def test_request_without_token_gets_403_explaining_how_to_open_the_app(server):
    response = request(server)
    assert response.status == 403
    assert "Open Flasky from its window" in response.text
    assert "flasky --browser" in response.text
    assert TOKEN not in response.text


def test_static_files_need_the_token_too(server):
    assert request(server, "/static/flasky.css").status == 403
    assert request(server, "/static/flasky.css", cookie=f"{ACCESS_COOKIE}={TOKEN}").status == 200


def test_wrong_token_or_cookie_gets_403(server):
    assert request(server, "/?token=guess").status == 403
    assert request(server, cookie=f"{ACCESS_COOKIE}=guess").status == 403


def test_token_is_traded_for_a_strict_httponly_cookie_and_removed_from_the_url(server):
    response = request(server, f"/request?color=blue&token={TOKEN}")
    assert response.status == 303
    assert response.getheader("Location") == "/request?color=blue"
    cookie = SimpleCookie(response.getheader("Set-Cookie"))[ACCESS_COOKIE]
    assert cookie.value == TOKEN
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"


def test_the_cookie_lets_every_page_through(server):
    response = request(server, "/", cookie=f"{ACCESS_COOKIE}={TOKEN}")
    assert response.status == 200
    assert "Hello, Stranger!" in response.text


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "127.0.0.1",
        "127.0.0.1:1",
        "localhost.evil.example:{port}",
        "",
        "[::1]:{port}",
    ],
)
def test_requests_for_another_host_get_400_even_with_the_token(server, host):
    response = request(
        server, host=host.format(port=server.port), cookie=f"{ACCESS_COOKIE}={TOKEN}"
    )
    assert response.status == 400
    assert "only answers requests sent to 127.0.0.1 or localhost" in response.text


def test_localhost_with_the_right_port_is_accepted(server):
    cookie = f"{ACCESS_COOKIE}={TOKEN}"
    assert request(server, host=f"localhost:{server.port}", cookie=cookie).status == 200


@pytest.mark.parametrize(
    "cookie",
    ['flasky_access="unterminated', "=;=;", "a" * 8000, f"{ACCESS_COOKIE}={TOKEN}x", "ä=ö"],
)
def test_malformed_or_wrong_cookies_get_403_not_500(server, cookie):
    assert request(server, cookie=cookie).status == 403


def test_control_characters_in_a_header_are_refused_by_the_server(server):
    assert request(server, cookie="\x7f\x00").status == 400


def test_cross_site_form_post_without_the_cookie_is_refused(server):
    response = request(
        server,
        "/",
        method="POST",
        body=b"name=Mallory",
        raw_headers=[
            ("Origin", "http://evil.example"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
    )
    assert response.status == 403


def test_the_server_cannot_be_reached_on_other_addresses_of_this_machine(server):
    addresses = [
        address.address
        for addresses in psutil.net_if_addrs().values()
        for address in addresses
        if address.family == socket.AF_INET and not address.address.startswith("127.")
    ]
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address")
    for address in addresses:
        with socket.socket() as probe:
            probe.settimeout(2)
            assert probe.connect_ex((address, server.port)) != 0
