"""CSRF (chapter 4): a forged POST is refused; the same form with its own token is accepted."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_wtf.csrf import generate_csrf

from . import bp


def token_of_another_session() -> str:
    """A CSRF token as Flask-WTF gives one to another visitor: signed with this app's key, for
    a session that is not yours (made in a throwaway request of a new visitor)."""
    with current_app.app_context(), current_app.test_request_context():
        return generate_csrf()


@bp.route("/csrf")
def csrf_demo():
    return render_template("main/csrf.html", other_token=token_of_another_session())


@bp.post("/csrf/target")
def csrf_target():
    """What a forged form asks for; only a request carrying your session's token gets here."""
    flash(
        "Accepted: the form carried the token of your own session, so the app did what it asked.",
        "success",
    )
    return redirect(url_for(".csrf_demo"))
