"""Logging: a rotating file in the user log directory, and the console with --debug."""

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

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
    if debug:
        console = logging.StreamHandler()
        console.setFormatter(formatter)
        root.addHandler(console)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    return problem
