"""The server and WSGI, and its threads (chapter 2): how a request reaches the application."""

import threading
import time
from importlib.metadata import PackageNotFoundError, version

from flask import current_app, jsonify, render_template, request

from ..masking import mask_environ_value
from ..response_log import RESPONSE_ID
from . import bp
from .concepts import qualified_name
from .forms import BurstForm

PROBE_SECONDS = 0.3  # how long each request of a burst keeps its thread busy

# What each key of the WSGI environ means (PEP 3333, and the CGI variables it builds on).
ENVIRON_MEANINGS = {
    "REQUEST_METHOD": "the HTTP method: GET, POST…",
    "SCRIPT_NAME": "where in the URL the application is mounted ('' at the root)",
    "PATH_INFO": "the rest of the path: which page of the application",
    "QUERY_STRING": "what follows the '?' in the URL, still encoded",
    "CONTENT_TYPE": "the type of the request's body",
    "CONTENT_LENGTH": "the length of the request's body",
    "SERVER_NAME": "the server's host name",
    "SERVER_PORT": "the port the request came in on",
    "SERVER_PROTOCOL": "the HTTP version the browser spoke",
    "SERVER_SOFTWARE": "the server's name for itself",
    "REMOTE_ADDR": "the address of the client",
    "REMOTE_HOST": "the client's host name (here, its address again)",
    "REMOTE_PORT": "the client's port",
    "REQUEST_URI": "the path and query as the browser sent them (not in the standard)",
    "RAW_URI": "the path and query as the browser sent them (not in the standard)",
    "wsgi.version": "the version of WSGI: (1, 0)",
    "wsgi.url_scheme": "http or https",
    "wsgi.input": "a stream to read the request's body from",
    "wsgi.errors": "a stream for the application's error output",
    "wsgi.multithread": "whether other threads may call the application at the same time",
    "wsgi.multiprocess": "whether other processes may run the application at the same time",
    "wsgi.run_once": "whether the application is called only once in this process",
    "wsgi.file_wrapper": "the server's fast way of sending a file",
    "wsgi.input_terminated": "whether reading the input stops at the body's end by itself",
    "werkzeug.request": "Flask's request object, kept here once made (by Flask, not the server)",
    "waitress.client_disconnected": "Waitress's way to ask whether the browser has hung up",
    "werkzeug.socket": "the connection's socket, from Werkzeug's development server",
    RESPONSE_ID: "set by this app's own middleware: the id of this page's response, for its panel",
}
# Keys only one server puts in the environ, and the package it comes from.
SERVER_KEYS = {
    "waitress.client_disconnected": "waitress",
    "werkzeug.socket": "werkzeug",
    "gunicorn.socket": "gunicorn",
}


def shown_value(key: str, value: object) -> str:
    """An environ value as the page shows it: text masked, objects by their type."""
    if isinstance(value, str):
        return mask_environ_value(key, value)
    if isinstance(value, bool | int | tuple):
        return repr(value)
    kind = value if isinstance(value, type) else type(value)
    return f"{'the class' if kind is value else 'an object of'} {qualified_name(kind)}"


def meaning(key: str) -> str:
    if key.startswith("HTTP_"):
        return f"the request's {key[5:].replace('_', '-').title()} header"
    return ENVIRON_MEANINGS.get(key, "set by the server or a middleware, not by the standard")


def environ_order(key: str) -> tuple[int, str]:
    """CGI variables, then headers, then WSGI's own keys, then anything else."""
    if key.isupper():
        return (1 if key.startswith("HTTP_") else 0, key)
    return (2 if key.startswith("wsgi.") else 3, key)


def server_package(environ: dict) -> tuple[str, str | None] | None:
    """The server that built ``environ``, by the keys only it sets, and its version if known."""
    package = next((SERVER_KEYS[key] for key in environ if key in SERVER_KEYS), None)
    if package is None:
        return None
    try:
        return package, version(package)
    except PackageNotFoundError:  # a frozen build need not carry the package's metadata
        return package, None


@bp.route("/wsgi")
def wsgi():
    environ = request.environ
    rows = [
        (key, shown_value(key, environ[key]), meaning(key))
        for key in sorted(environ, key=environ_order)
    ]
    return render_template(
        "main/wsgi.html",
        rows=rows,
        server_software=environ.get("SERVER_SOFTWARE"),
        server=server_package(environ),
        application=repr(current_app._get_current_object()),
        application_class=qualified_name(type(current_app._get_current_object())),
        wsgi_app=qualified_name(type(current_app.wsgi_app)),
    )


def pool_threads(environ: dict) -> list[str]:
    """The names of the pool threads of the Waitress server that handed over this request (a
    process may run more than one server); none under another server.

    Waitress tells the application nothing of its pool: this follows the request's channel to
    its server's task dispatcher, whose thread numbers name the threads ("waitress-3")."""
    channel = getattr(environ.get("waitress.client_disconnected"), "__self__", None)
    dispatcher = getattr(getattr(channel, "server", None), "task_dispatcher", None)
    if dispatcher is None:
        return []
    with dispatcher.lock:
        numbers = sorted(dispatcher.threads)
    return [f"waitress-{number}" for number in numbers]


@bp.route("/threads")
def threads():
    form = BurstForm(request.args)
    burst = form.size.data if "size" in request.args and form.validate() else None
    return render_template(
        "main/threads.html",
        form=form,
        burst=burst,
        this_thread=threading.current_thread().name,
        pool=pool_threads(request.environ),
        all_threads=sorted(threading.enumerate(), key=lambda thread: thread.name),
        probe_seconds=PROBE_SECONDS,
    )


@bp.route("/threads/probe")
def threads_probe():
    """One request of a burst: keeps its thread busy a moment, and says which thread it was."""
    started = time.time()
    time.sleep(PROBE_SECONDS)
    answer = jsonify(
        thread=threading.current_thread().name,
        started=started * 1000,
        finished=time.time() * 1000,
    )
    answer.headers["Cache-Control"] = "no-store"
    return answer
