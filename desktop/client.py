"""A client of the app's server for programs that drive it (self-test, load, benchmarks, tests).

``AppClient.enter(entry_url)`` trades the launch token for the access cookie, as the window does;
the client then keeps every cookie the app sets, like a browser, on one keep-alive connection.
"""

import http.client
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode, urlsplit

from .access import ACCESS_COOKIE


class AccessRefused(Exception):
    """The entry URL did not let the client in."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class AppClient:
    """HTTP requests to the server at ``base_url``; without ``enter``, it holds no access."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None, timeout: float = 10):
        parts = urlsplit(base_url)
        self.base_url = f"{parts.scheme}://{parts.netloc}/"
        self.cookies = dict(cookies or {})
        self._address = (parts.hostname, parts.port)
        self._timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    @classmethod
    def enter(
        cls, entry_url: str, cookies: dict[str, str] | None = None, timeout: float = 10
    ) -> "AppClient":
        """A client let in by ``entry_url``, keeping ``cookies`` (say, an earlier session)."""
        client = cls(entry_url, cookies, timeout)
        parts = urlsplit(entry_url)
        response = client.get(f"{parts.path or '/'}?{parts.query}")
        if response.status != 303 or ACCESS_COOKIE not in client.cookies:
            raise AccessRefused(
                f"the entry URL answered {response.status} without an access cookie"
            )
        return client

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        """Send one request and read its answer; a broken connection is opened again next time."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self._connection is None:
            self._connection = http.client.HTTPConnection(*self._address, timeout=self._timeout)
        try:
            self._connection.request(method, path, body=body, headers=headers)
            answer = self._connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return response

    def get(self, path: str = "/") -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str]) -> Response:
        """Send ``data`` as a form, as a browser does."""
        return self.request(
            "POST",
            path,
            urlencode(data).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            cookie = SimpleCookie()
            try:
                cookie.load(header)
            except CookieError:
                continue
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
