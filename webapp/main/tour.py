"""The tour: every note of the learner's book notes, by chapter and page, each linked to the page
that shows it live; the pages visited are kept in the session."""

from dataclasses import dataclass

from flask import render_template, request, session, url_for

from . import bp
from .concepts import CONCEPTS_BY_ENDPOINT


@dataclass(frozen=True)
class Note:
    chapter: int
    page: int
    text: str
    endpoint: str  # the page that shows it, at its concept's example URL

    @property
    def url(self) -> str:
        return url_for(self.endpoint, **PAGES[self.endpoint])


# The notes as the learner wrote them (book-notes.txt), a line or a few lines each.
NOTES = [
    Note(2, 7, "All Flask applications must create an application instance", "main.wsgi"),
    Note(
        2,
        7,
        "web server passes all requests rec'd from clients to application instance [object] "
        "using protocol WSGI Web Server Gateway Interface",
        "main.wsgi",
    ),
    Note(2, 7, "application instance is an object of class Flask", "main.wsgi"),
    Note(
        2,
        8,
        "Decorator: register functons as handlers for an event",
        "main.route_function",
    ),
    Note(2, 9, "Routes: dynamic part /user/<name>", "main.user"),
    Note(2, 9, "/user/<int:id>", "main.user_by_id"),
    Note(2, 12, "Request object", "main.request_info"),
    Note(2, 12, "Flask context: temp make certain objects globally accessible", "main.contexts"),
    Note(2, 13, "Thread: smallest sequence of instructions managed independently", "main.threads"),
    Note(
        2,
        13,
        "Multithreaded web servers start a pool of threads and select a thread from the pol "
        "tohandle each incoming request",
        "main.threads",
    ),
    Note(2, 13, "Two contexts: Application context AC, Request context RC", "main.contexts"),
    Note(2, 13, "current_app AC application instance", "main.contexts"),
    Note(2, 13, "g AC object application use for temp storage during request", "main.contexts"),
    Note(
        2,
        13,
        "request RC request object - encap contents of HTTP request sent by client",
        "main.request_info",
    ),
    Note(
        2,
        13,
        "session RC user session - dict application use to store values across requests",
        "main.contexts",
    ),
    Note(
        2,
        14,
        "from hello import app; app.url_map: Map([<Rule '/' (OPTIONS, HEAD, GET) -> index>, "
        "<Rule '/static/<filename>' (OPTIONS, HEAD, GET) -> static>, "
        "<Rule '/user/<name>' (OPTIONS, HEAD, GET) -> user>])",
        "main.routes",
    ),
    Note(2, 14, "GET = request method", "main.routes"),
    Note(
        2,
        14,
        "request hooks, e.g. share data btwn request hook + view func = g context global: g.user",
        "main.contexts",
    ),
    Note(2, 15, "Response: HTTP Response = status code", "main.responses"),
    Note(
        2, 15, "@app.route('/') def index(): return '<h1>Bad Request</h1>', 400", "main.bad_request"
    ),
    Note(2, 15, "or return Response object: make_response(), example Pg.16", "main.response"),
    Note(2, 15, "redirect()", "main.redirect_home"),
    Note(2, 15, "abort(404)", "main.user_by_id"),
    Note(2, 18, "Flask script: python hello.py runserver --help", "main.command_line"),
    Note(
        3,
        21,
        "Rendering: process replace variables w/ actual values + returns final response",
        "main.user",
    ),
    Note(3, 21, "Jinja2: template engine used by Flask", "main.user"),
    Note(3, 26, "Bootstrap: Flask extension", "main.index"),
    Note(
        3,
        33,
        "Localization: server needs uniform time units independent of user location: UTC",
        "main.index",
    ),
    Note(4, 37, "CSRF: Cross-Site Request Forgery (CSRF) Protection, flask-wtf", "main.csrf_demo"),
    Note(
        4,
        37,
        "CSRF, Cross-Site Request Forgergy, attack: occurs when a malicious website sends "
        "requests to a different website on which the victim is logged in",
        "main.csrf_demo",
    ),
    Note(
        4,
        37,
        "encrypted token used to verify authenticity of [POST] requests w/ form data",
        "main.csrf_demo",
    ),
    Note(
        4,
        37,
        "e.g. app = Flask(__name__); app.config['SECRET_KEY'] = '…' (a string in the code)",
        "main.secret_key",
    ),
    Note(4, 38, "SECRET_KEY: general-purpose encryption key used by Flask", "main.secret_key"),
    Note(
        4,
        38,
        "IMPORTANT security: secret key should be stored in an environment variable [Chp.7]",
        "main.secret_key",
    ),
    Note(
        4,
        44,
        "IMPORTANT never leave a POST request as last request sent by the browser: send a "
        "redirect instead of a normal response, now last request = GET: Post/Redirect/Get pattern",
        "main.index",
    ),
    Note(
        4,
        44,
        "Store any data for redirect in user session [request context]: private storage "
        "available to each connected client",
        "main.index",
    ),
    Note(
        4,
        45,
        "session dictionary: user sessions are stored in client-side cookies that are "
        "cryptographically signed using configured SECRET_KEY",
        "main.session_cookie",
    ),
    Note(
        4,
        45,
        "any tampering with the cookie content renders signature invalid, thus invalidating the "
        "session",
        "main.session_cookie",
    ),
]


# The pages the notes name, in the order they first name them: endpoint -> URL arguments.
PAGES = {note.endpoint: CONCEPTS_BY_ENDPOINT[note.endpoint].example for note in NOTES}
# From page to page with previous/next; /redirect answers with a redirect, not a page of its own.
STOPS = [endpoint for endpoint in PAGES if endpoint != "main.redirect_home"]


def visited() -> list[str]:
    return session.get("visited", [])


@bp.after_app_request
def mark_visited(response):
    """Note in the session that this page of the tour was seen (the session changes only the
    first time)."""
    endpoint = request.endpoint
    seen_now = request.method == "GET" and response.status_code < 500
    if seen_now and endpoint in PAGES and endpoint not in visited():
        session["visited"] = [*visited(), endpoint]
    return response


@bp.app_context_processor
def inject_tour_neighbours() -> dict:
    """The tour's previous and next pages around this one, for the links at its foot."""
    if request.endpoint not in STOPS:
        return {"tour": None}
    index = STOPS.index(request.endpoint)
    neighbours = {
        side: (CONCEPTS_BY_ENDPOINT[STOPS[at]].title, url_for(STOPS[at], **PAGES[STOPS[at]]))
        for side, at in (("previous", index - 1), ("next", index + 1))
        if 0 <= at < len(STOPS)
    }
    return {"tour": {"number": index + 1, "count": len(STOPS), **neighbours}}


@bp.route("/tour")
def tour():
    chapters: dict[int, list[Note]] = {}
    for note in NOTES:
        chapters.setdefault(note.chapter, []).append(note)
    seen = set(visited()) & set(PAGES)
    return render_template(
        "main/tour.html",
        chapters=chapters,
        seen=seen,
        page_count=len(PAGES),
        titles={endpoint: CONCEPTS_BY_ENDPOINT[endpoint].title for endpoint in PAGES},
    )
