"""View functions: the book's pages, chapters 2–4."""

import secrets
from datetime import UTC, datetime

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ..extensions import moment
from . import bp
from .concepts import qualified_name, view_source
from .forms import NameForm


@bp.before_app_request
def remember_request_start():
    g.request_id = secrets.token_hex(4)
    g.request_started = datetime.now(UTC)


@bp.route("/", methods=["GET", "POST"])
def index():
    form = NameForm()
    if form.validate_on_submit():
        remember_name(form.name.data)
        return redirect(url_for(".index"))
    return index_page(form)


def index_page(form: NameForm) -> str:
    """The home page: the greeting, the name form, the names given so far, and the time."""
    return render_template(
        "main/index.html",
        form=form,
        name=session.get("name"),
        history=session.get("names", []),
        now=datetime.now(UTC),
    )


def remember_name(name: str) -> None:
    """Store ``name`` in the session and its history, flashing when it changed."""
    old_name = session.get("name")
    if old_name is not None and old_name != name:
        flash("Looks like you have changed your name!")
    session.permanent = True
    session["name"] = name
    history = [*session.get("names", []), name]
    session["names"] = history[-current_app.config["NAME_HISTORY_LENGTH"] :]


@bp.route("/user/<name>")
def user(name):
    return render_template("main/user.html", name=name)


@bp.route("/user/<int:id>")
def user_by_id(id):
    names = session.get("names", [])
    if not 1 <= id <= len(names):
        abort(404)
    return render_template("main/user.html", name=names[id - 1], id=id)


@bp.route("/request")
def request_info():
    return render_template("main/request.html")


@bp.route("/context")
def contexts():
    return render_template("main/context.html", app_name=current_app.name)


@bp.route("/routes")
def routes():
    rules = sorted(current_app.url_map.iter_rules(), key=lambda rule: rule.rule)
    return render_template("main/routes.html", rules=rules, handlers=event_handlers())


def event_handlers() -> list[tuple[str, str]]:
    """The functions decorators registered for events other than a URL: (event, function)."""
    app = current_app
    handlers = [("before each request", f) for f in app.before_request_funcs.get(None, [])]
    # Flask calls the after-request hooks last registered first.
    handlers += [("after each request", f) for f in reversed(app.after_request_funcs.get(None, []))]
    for code, by_exception in app.error_handler_spec.get(None, {}).items():
        handlers += [
            (f"the error {code} ({exception.__name__})" if code else f"any {exception.__name__}", f)
            for exception, f in by_exception.items()
        ]
    handlers += [("each template", f) for f in app.template_context_processors.get(None, [])]
    return [(event, qualified_name(f)) for event, f in handlers]


@bp.route("/routes/<rule_endpoint>")
def route_function(rule_endpoint):
    """The function a route's decorator registered for ``rule_endpoint``, with its source."""
    function = current_app.view_functions.get(rule_endpoint)
    if function is None:
        abort(404)
    return render_template(
        "main/route_function.html",
        endpoint=rule_endpoint,
        function=qualified_name(function),
        rules=sorted(current_app.url_map.iter_rules(rule_endpoint), key=lambda rule: rule.rule),
        source=view_source(rule_endpoint),
    )


@bp.route("/bad-request")
def bad_request():
    return render_template("main/bad_request.html"), 400


@bp.route("/response")
def response():
    page = make_response(
        render_template("main/response.html", answer=request.cookies.get("answer"))
    )
    page.set_cookie("answer", "42", httponly=True, samesite="Lax")
    return page


@bp.route("/redirect")
def redirect_home():
    return redirect(url_for(".index"))


@bp.route("/flask-moment.js")
def flask_moment_js():
    """Flask-Moment's rendering code as a script file: the CSP allows no inline script."""
    return moment.flask_moment_js(), 200, {"Content-Type": "text/javascript; charset=utf-8"}
