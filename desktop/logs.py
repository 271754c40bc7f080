"""Logging: a rotating file in the user log directory, and the console with --debug; and
every uncaught exception, in any thread or GUI callback, logged with its traceback."""

import logging
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(log_file: Path, debug: bool = False) -> str | None:
    """Log to ``log_file``, and to the console when ``debug``.

    Returns what went wrong when the log file cannot be used, else None.
    """
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    formatter = logging.Formatter(FORMAT)
    problem = None
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as error:
        problem = f"cannot write the log file {log_file} ({error.strerror or error})"
    else:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    if debug and sys.stderr:
        console = logging.StreamHandler()
        console.setFormatter(formatter)
        root.addHandler(console)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    return problem


def log_uncaught_exceptions(log_file: Path | None) -> None:
    """Log what no code caught, with its traceback, and tell the user in one line where to
    read it: in the main thread, in any other thread, and in Qt's callbacks (PyQt hands their
    exceptions to ``sys.excepthook`` instead of aborting when it is replaced)."""

    def tell_user() -> None:
        if sys.stderr:  # a windowed build may have none
            where = f"the log file {log_file}" if log_file else "the log"
            print(f"Flasky hit an unexpected error; {where} has the details.", file=sys.stderr)

    def in_main_thread(kind: type[BaseException], error: BaseException, trace: TracebackType):
        if issubclass(kind, KeyboardInterrupt):
            return
        log.critical("Uncaught exception", exc_info=(kind, error, trace))
        tell_user()

    def in_thread(hook: threading.ExceptHookArgs) -> None:
        if hook.exc_type is SystemExit:
            return
        name = hook.thread.name if hook.thread else "?"
        exc_info = (hook.exc_type, hook.exc_value, hook.exc_traceback)
        log.critical("Uncaught exception in thread %s", name, exc_info=exc_info)
        tell_user()

    sys.excepthook = in_main_thread
    threading.excepthook = in_thread
