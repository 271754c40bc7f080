"""The main blueprint: the book's pages and one page per concept."""
# ruff: noqa: E402, F401  (the modules imported last register themselves on bp)

from flask import Blueprint

bp = Blueprint("main", __name__)

from . import (
    command_line,
    concepts,
    csrf_demo,
    errors,
    responses,
    secret_key,
    server,
    session_cookie,
    tour,
    views,
)
