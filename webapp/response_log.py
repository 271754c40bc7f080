"""The app's last pages, as it sent them: status line and headers, for the response panel.

A page cannot show its own headers while it is rendered: Flask adds the session's
``Set-Cookie`` after every ``after_request`` hook, and ``Content-Length`` once the body is
complete. So this WSGI middleware, around Flask's ``wsgi_app``, notes each HTML response as
Flask hands it to the server, under an id the page carries; the page's script asks for it.
What the server adds on the way out (its status line's ``HTTP/1.1``, ``Date``, ``Server``,
connection headers) is not seen here.
"""

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

RESPONSE_ID = "webapp.response_id"  # the WSGI environ's key for the id of this response


@dataclass(frozen=True)
class SentResponse:
    id: str
    at: datetime
    method: str
    path: str
    query: str
    status: str
    headers: list[tuple[str, str]]


class ResponseLog:
    """The latest ``size`` HTML responses, by id; safe to use from many threads."""

    def __init__(self, size: int = 100):
        self.size = size
        self._responses: OrderedDict[str, SentResponse] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, response: SentResponse) -> None:
        with self._lock:
            self._responses[response.id] = response
            while len(self._responses) > self.size:
                self._responses.popitem(last=False)

    def get(self, response_id: str) -> SentResponse | None:
        with self._lock:
            return self._responses.get(response_id)

    def latest(self, count: int) -> list[SentResponse]:
        """The latest ``count`` responses, newest first."""
        with self._lock:
            return list(reversed(self._responses.values()))[:count]


class RecordResponses:
    """WSGI middleware that gives each request an id and notes its response in ``log`` when it
    is an HTML page."""

    def __init__(self, wsgi_app, log: ResponseLog):
        self.wsgi_app = wsgi_app
        self.log = log

    def __call__(self, environ, start_response):
        response_id = environ[RESPONSE_ID] = secrets.token_urlsafe(9)

        def recording_start_response(status, headers, exc_info=None):
            content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
            if content_type.startswith("text/html"):
                self.log.add(
                    SentResponse(
                        id=response_id,
                        at=datetime.now(UTC),
                        method=environ.get("REQUEST_METHOD", ""),
                        path=from_wsgi(
                            environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
                        ),
                        query=from_wsgi(environ.get("QUERY_STRING", "")),
                        status=status,
                        headers=list(headers),
                    )
                )
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, recording_start_response)


def from_wsgi(value: str) -> str:
    """A WSGI string (bytes as Latin-1) as the UTF-8 text it carries."""
    return value.encode("latin-1", "replace").decode("utf-8", "replace")


def init_app(app) -> None:
    """Record the app's responses in ``app.extensions["response_log"]``."""
    log = app.extensions["response_log"] = ResponseLog()
    app.wsgi_app = RecordResponses(app.wsgi_app, log)
