"""Secrets of the running app that pages show masked: cookies and query arguments named in the
config (``MASKED_COOKIES``, ``MASKED_ARGS``), wherever a page shows cookies, headers or URLs.

The desktop app lets a window in with a per-launch token, first as ``?token=…``, then as a
cookie: anyone who reads it can talk to the app. The web app knows only their names.
"""

from collections.abc import Iterable, Mapping
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from flask import current_app

MASK = "••••••••"


def masked_names(setting: str) -> set[str]:
    return {name.lower() for name in current_app.config.get(setting, ())}


def mask_query(query: str) -> str:
    """``query`` (``a=1&token=…``) with the values of masked arguments replaced."""
    names = masked_names("MASKED_ARGS")
    parts = []
    for part in query.split("&"):
        name = part.split("=", 1)[0]
        parts.append(f"{name}={MASK}" if unquote_plus(name).lower() in names else part)
    return "&".join(parts)


def mask_url(url: str) -> str:
    """``url``, absolute or a path, with masked query arguments."""
    if "?" not in url:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=mask_query(parts.query)))


def mask_cookies(header: str) -> str:
    """A ``Cookie`` header (``a=1; flasky_access=…``) with the values of masked cookies replaced."""
    names = masked_names("MASKED_COOKIES")
    parts = []
    for part in header.split(";"):
        name = part.split("=", 1)[0]
        parts.append(f"{name}={MASK}" if name.strip().lower() in names else part)
    return ";".join(parts)


def mask_set_cookie(header: str) -> str:
    """A ``Set-Cookie`` header with the value of a masked cookie replaced."""
    cookie, _, attributes = header.partition(";")
    return mask_cookies(cookie) + (f";{attributes}" if attributes else "")


HEADER_MASKS = {
    "cookie": mask_cookies,
    "set-cookie": mask_set_cookie,
    "location": mask_url,
    "referer": mask_url,
}
# The WSGI environ's keys that hold a header, a query or a URL.
ENVIRON_MASKS = {
    "HTTP_COOKIE": mask_cookies,
    "HTTP_REFERER": mask_url,
    "QUERY_STRING": mask_query,
    "REQUEST_URI": mask_url,
    "RAW_URI": mask_url,
}


def mask_header(name: str, value: str) -> str:
    """The value of the header ``name``, masked where it can carry a secret."""
    mask = HEADER_MASKS.get(name.lower())
    return mask(value) if mask else value


def mask_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, mask_header(name, value)) for name, value in headers]


def mask_environ_value(key: str, value: str) -> str:
    mask = ENVIRON_MASKS.get(key)
    return mask(value) if mask else value


def mask_cookie_values(cookies: Mapping[str, str]) -> dict[str, str]:
    """Cookies by name, as Flask parsed them, with the values of masked ones replaced."""
    names = masked_names("MASKED_COOKIES")
    return {name: MASK if name.lower() in names else value for name, value in cookies.items()}


def mask_args(args: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Query arguments, as Flask parsed them, with the values of masked ones replaced."""
    names = masked_names("MASKED_ARGS")
    return [(name, MASK if name.lower() in names else value) for name, value in args]


def init_app(app) -> None:
    """Make the masks available to templates as filters."""
    for mask in (mask_url, mask_headers, mask_args, mask_cookie_values):
        app.add_template_filter(mask)
