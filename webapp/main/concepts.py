"""The concept map: which page shows which idea of the book, with its explanation and code."""

import inspect
from dataclasses import dataclass, field

from flask import current_app, request
from markupsafe import Markup, escape

from . import bp

FLASK_DOCS = "https://flask.palletsprojects.com/en/stable/"


@dataclass(frozen=True)
class Concept:
    endpoint: str
    label: str
    title: str
    summary: str
    chapter: int
    docs: str
    example: dict[str, str | int] = field(default_factory=dict)
    navbar: bool = True  # others are reached from the tour and from the pages that link them


# In the order of the book, as the tour goes; the navbar shows them in this order.
CONCEPTS = [
    Concept(
        "main.index",
        "Home",
        "Forms, the session and Post/Redirect/Get",
        "A Flask-WTF form validates your name and stores it in the session. A valid POST "
        "answers with a redirect, so reloading the page never submits the form twice.",
        4,
        FLASK_DOCS + "patterns/wtforms/",
    ),
    Concept(
        "main.wsgi",
        "WSGI",
        "The server and WSGI",
        "The web server hands every request to the application instance, an object of class "
        "`Flask`, by calling it with the WSGI `environ`: a dictionary of the request, built by "
        "the server. Here is this request's.",
        2,
        "https://peps.python.org/pep-3333/",
    ),
    Concept(
        "main.route_function",
        "Decorators",
        "Decorators register handlers",
        "A decorator is a function that takes a function. `@bp.route()` does not change the "
        "view: it registers it as the handler of an event, a request for its URL, and Flask "
        "calls it when that event comes.",
        2,
        FLASK_DOCS + "api/#flask.Flask.route",
        {"rule_endpoint": "main.index"},
        navbar=False,
    ),
    Concept(
        "main.user",
        "User",
        "Dynamic routes",
        "The part of the URL in angle brackets becomes an argument of the view function. "
        "Jinja2 escapes it, so markup in a name is shown as text, never run.",
        2,
        FLASK_DOCS + "quickstart/#variable-rules",
        {"name": "Dave"},
    ),
    Concept(
        "main.user_by_id",
        "User #1",
        "Converters",
        "`<int:id>` matches digits only and wins over `<name>` for them. "
        "An id past the end of your name history makes the view call `abort(404)`.",
        2,
        FLASK_DOCS + "quickstart/#variable-rules",
        {"id": 1},
    ),
    Concept(
        "main.request_info",
        "Request",
        "The request object",
        "`request` is a context global: it looks like a module-level variable, yet each "
        "thread sees the request it is serving. Add `?a=1` to the URL and see it here.",
        2,
        FLASK_DOCS + "api/#flask.Request",
    ),
    Concept(
        "main.contexts",
        "Contexts",
        "Application and request contexts",
        "`current_app` and `g` live in the application context; `request` and `session` in "
        "the request context. A `before_app_request` hook filled `g` before this view ran.",
        2,
        FLASK_DOCS + "appcontext/",
    ),
    Concept(
        "main.threads",
        "Threads",
        "Threads",
        "A multithreaded server keeps a pool of threads and picks a free one for each request; "
        "context globals such as `request` keep each thread's request apart. Send a burst and "
        "see the pool at work.",
        2,
        FLASK_DOCS + "design/#thread-locals",
    ),
    Concept(
        "main.routes",
        "Routes",
        "The URL map",
        "`app.url_map` holds every rule the app answers, with its methods and endpoint; "
        "`flask --app webapp routes` prints the same table.",
        2,
        FLASK_DOCS + "api/#flask.Flask.url_map",
    ),
    Concept(
        "main.responses",
        "Responses",
        "Responses as the app sent them",
        "Every page has a panel at its foot with its own status line and headers. This page "
        "lists the latest ones, so you can see what the browser follows before you see "
        "anything: a redirect's `302` and its `Location`.",
        2,
        FLASK_DOCS + "api/#flask.Response",
        navbar=False,
    ),
    Concept(
        "main.bad_request",
        "Bad request",
        "Status codes",
        "A view can return a second value: the status code. This page is a normal template "
        "sent with status 400.",
        2,
        FLASK_DOCS + "quickstart/#about-responses",
    ),
    Concept(
        "main.response",
        "Response",
        "Response objects",
        "`make_response()` turns the view's result into a response you can change before it "
        "is sent: here it sets the cookie `answer=42`. Reload to see your browser send it back.",
        2,
        FLASK_DOCS + "api/#flask.make_response",
    ),
    Concept(
        "main.redirect_home",
        "Redirect",
        "Redirects",
        "`redirect()` answers 302 with a `Location` header; the browser follows it to the "
        "home page.",
        2,
        FLASK_DOCS + "api/#flask.redirect",
    ),
    Concept(
        "main.command_line",
        "CLI",
        "The command line",
        "Flask's `flask` command, built on Click, replaced the book's Flask-Script: "
        "`flask --app webapp run` starts a development server, `flask --app webapp routes` "
        "prints the URL map. Here is their help, as Flask prints it for this app.",
        2,
        FLASK_DOCS + "cli/",
    ),
    Concept(
        "main.csrf_demo",
        "CSRF",
        "Cross-site request forgery",
        "Flask-WTF's `CSRFProtect` checks every POST for a token that matches your session; "
        "a form from elsewhere cannot have it. Send the same form three ways and see which "
        "one the app accepts.",
        4,
        "https://flask-wtf.readthedocs.io/en/stable/csrf/",
    ),
    Concept(
        "main.secret_key",
        "Secret key",
        "SECRET_KEY",
        "Flask signs the session cookie, and Flask-WTF each form's CSRF token, with "
        "`SECRET_KEY`. Whoever knows it can forge both, so it stays out of the code. This page "
        "says where this app's key came from, never what it is.",
        4,
        FLASK_DOCS + "config/#SECRET_KEY",
    ),
    Concept(
        "main.session_cookie",
        "Session",
        "The session is a signed cookie",
        "Flask keeps `session` in a cookie on your side, signed with `SECRET_KEY`: readable by "
        "anyone who holds it, but any change breaks the signature, and Flask then starts an "
        "empty session. Tamper with yours, reload, then restore it.",
        4,
        FLASK_DOCS + "quickstart/#sessions",
    ),
]

CONCEPTS_BY_ENDPOINT = {concept.endpoint: concept for concept in CONCEPTS}


def qualified_name(thing: object) -> str:
    """``module.Name`` of a function or a class."""
    return f"{thing.__module__}.{thing.__qualname__}"


def view_source(endpoint: str) -> str | None:
    """The source code of the view function behind ``endpoint``, if it is available."""
    try:
        return inspect.getsource(current_app.view_functions[endpoint])
    except (KeyError, OSError, TypeError):
        return None


@bp.app_context_processor
def inject_concepts() -> dict:
    concept = CONCEPTS_BY_ENDPOINT.get(request.endpoint or "")
    return {
        "concepts": CONCEPTS,
        "concept": concept,
        "concept_source": view_source(concept.endpoint) if concept else None,
    }


@bp.app_template_filter()
def inline_code(text: str) -> Markup:
    """Render `backticked` parts of an explanation as code."""
    parts = str(escape(text)).split("`")
    return Markup(
        "".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts))
    )
