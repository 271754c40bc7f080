"""Error pages: every error answers with a page of the app, never a traceback."""

from flask import flash, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from . import bp
from .forms import NameForm
from .views import index_page


@bp.app_errorhandler(NotFound)
def page_not_found(error):
    return render_template(
        "error.html",
        code=404,
        title="Page not found",
        message="There is no page at this address. It may have moved, or the link has a typo.",
    ), 404


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    """A form sent without its valid token; the name form comes back with what was typed."""
    if request.endpoint == "main.index":
        flash(
            "The form has expired, so it was not sent. "
            "What you typed is back in the form: send it again.",
            "warning",
        )
        return index_page(NameForm()), 400
    return render_template(
        "error.html",
        code=400,
        title="The form has expired",
        message="The form was missing its security token or the token had expired. "
        "Go back, reload the page and send the form again.",
        reason=error.description,
        forged=request.endpoint == "main.csrf_target",
    ), 400


@bp.app_errorhandler(InternalServerError)
def internal_server_error(error):
    return render_template(
        "error.html",
        code=500,
        title="Something went wrong",
        message="The app hit an unexpected error. It has been logged; please try again.",
    ), 500


@bp.app_errorhandler(HTTPException)
def http_error(error):
    return render_template(
        "error.html", code=error.code, title=error.name, message=error.description
    ), error.code
