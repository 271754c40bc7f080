"""SECRET_KEY (chapter 4): where this app's key came from and what it signs, never the key."""

import inspect
import secrets

from flask import current_app, render_template, request

from ..config import KeySource, choose_secret_key
from . import bp
from .session_cookie import signature_problem

ORIGINS = {
    KeySource.ENVIRONMENT: (
        "from the environment",
        "The key came from the environment variable FLASKY_SECRET_KEY (or SECRET_KEY), as the "
        "book advises: the code holds no key, and whoever runs the app chooses one.",
    ),
    KeySource.PER_INSTALL_FILE: (
        "from this installation's own file",
        "The desktop app made the key at random at its first launch and keeps it in a file of "
        "your user folder that only you can read. Every launch reads the same key, so your "
        "session survives a restart.",
    ),
    KeySource.EPHEMERAL: (
        "made for this run only",
        "No key was given and none could be kept, so the app made one at random when it "
        "started, in memory only. Your session ends with this run: the next run's key will not "
        "recognize your cookie.",
    ),
}
SET_IN_CODE = (
    "set directly on the config object",
    "The key was set in Python on the config object before create_app(), as the app's tests do.",
)


@bp.route("/secret-key")
def secret_key():
    origin, explanation = ORIGINS.get(current_app.config.get("SECRET_KEY_SOURCE"), SET_IN_CODE)
    cookie = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    return render_template(
        "main/secret_key.html",
        origin=origin,
        explanation=explanation,
        has_cookie=cookie is not None,
        with_this_key=cookie and signature_problem(cookie),
        with_a_new_key=cookie and signature_problem(cookie, secrets.token_hex(32)),
        chooser_source=inspect.getsource(choose_secret_key),
    )
