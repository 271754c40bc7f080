"""The main blueprint: the book's pages and one page per concept."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from . import concepts, csrf_demo, errors, responses, secret_key, server, session_cookie, views  # noqa: E402, F401  (they register on bp)
