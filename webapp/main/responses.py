"""Responses as the app sent them (chapter 2): the panel of every page, and the latest pages."""

from flask import abort, current_app, render_template

from ..masking import mask_headers, mask_query
from ..response_log import SentResponse
from . import bp

LATEST = 20


def as_text(response: SentResponse) -> str:
    """The status line and headers, one a line, as in HTTP; secrets masked."""
    lines = [
        response.status,
        *(f"{name}: {value}" for name, value in mask_headers(response.headers)),
    ]
    return "\n".join(lines)


def request_line(response: SentResponse) -> str:
    query = f"?{mask_query(response.query)}" if response.query else ""
    return f"{response.method} {response.path}{query}"


@bp.route("/responses")
def responses():
    log = current_app.extensions["response_log"]
    return render_template(
        "main/responses.html",
        sent=log.latest(LATEST),
        size=log.size,
        as_text=as_text,
        request_line=request_line,
    )


@bp.route("/responses/<response_id>")
def sent_response(response_id):
    """One response's status line and headers, as plain text, for the panel's script."""
    response = current_app.extensions["response_log"].get(response_id)
    if response is None:
        abort(404)
    return as_text(response), 200, {"Content-Type": "text/plain; charset=utf-8"}
