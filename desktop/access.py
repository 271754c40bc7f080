"""Who may talk to the app's server: only the app's own window, or a browser the app opened.

Binding 127.0.0.1 keeps other machines out, not other web pages: any site the user visits
can send requests to a loopback port, and DNS rebinding lets it read the answers. So every
request must name the server's own host, and carry the launch token, either as
``?token=`` (the first load, which trades it for a cookie) or as that cookie.
"""

import hmac
import secrets
from html import escape
from http.cookies import CookieError, Morsel, SimpleCookie
from urllib.parse import parse_qsl, quote, urlencode

ACCESS_COOKIE = "flasky_access"
TOKEN_PARAMETER = "token"
# Set in the WSGI environ of the request that traded the token, for middleware around the guard.
ENTRY = "flasky.entry"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def find_cookie(header: str, name: str) -> Morsel | None:
    """The cookie ``name`` in a Cookie or Set-Cookie header's value; None if it has none or
    cannot be read."""
    cookies = SimpleCookie()
    try:
        cookies.load(header)
    except CookieError:
        return None
    return cookies.get(name)


def entry_url(base_url: str, token: str) -> str:
    """The address that lets its holder in: its first load trades the token for a cookie."""
    return f"{base_url}?{urlencode({TOKEN_PARAMETER: token})}"


class AccessGuard:
    """WSGI middleware that lets through only requests for this server carrying the token."""

    def __init__(self, app, token: str):
        self.app = app
        self.token = token

    def __call__(self, environ, start_response):
        if not self._host_is_ours(environ):
            return refuse(
                start_response,
                "400 Bad Request",
                "Wrong address",
                "This server only answers requests sent to 127.0.0.1 or localhost.",
            )
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        offered = [value for name, value in query if name == TOKEN_PARAMETER]
        if offered and self._is_token(offered[0]):
            return self._trade_token_for_cookie(environ, query, start_response)
        if self._is_token(self._cookie(environ)):
            return self.app(environ, start_response)
        return refuse(
            start_response,
            "403 Forbidden",
            "Open Flasky from its window",
            "This is the private server of a running Flasky app. Open Flasky from its icon, "
            "or run <code>flasky --browser</code>: the address it opens carries a key that "
            "lets your browser in.",
        )

    def _host_is_ours(self, environ) -> bool:
        port = environ.get("SERVER_PORT", "")
        return environ.get("HTTP_HOST", "") in (f"127.0.0.1:{port}", f"localhost:{port}")

    def _is_token(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    def _cookie(self, environ) -> str | None:
        morsel = find_cookie(environ.get("HTTP_COOKIE", ""), ACCESS_COOKIE)
        return morsel.value if morsel else None

    def _trade_token_for_cookie(self, environ, query, start_response):
        """Set the access cookie and redirect to the same address without the token."""
        environ[ENTRY] = True
        rest = urlencode([(name, value) for name, value in query if name != TOKEN_PARAMETER])
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        location = quote(path.encode("latin-1"), safe="/:@!$&'()*+,;=-._~") or "/"
        if rest:
            location += "?" + rest
        cookie = f"{ACCESS_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        start_response(
            "303 See Other",
            [("Location", location), ("Set-Cookie", cookie), ("Cache-Control", "no-store")],
        )
        return [b""]


def refuse(start_response, status: str, title: str, explanation: str):
    """A small page of its own: the request never reaches the Flask app."""
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{escape(title)} · Flasky</title></head>"
        # The system's colours, light or dark as the system (or the window) asks: no Bootstrap here.
        '<body style="font-family: sans-serif; margin: 3rem auto; max-width: 40rem; '
        'background: Canvas; color: CanvasText">'
        f"<h1>{escape(title)}</h1><p>{explanation}</p></body></html>"
    ).encode()
    start_response(
        status,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]
