"""Configuration classes, one per environment, and the one place that reads the environment
and decides where the secret key comes from. Importing it does not import Flask."""

import logging
import os
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

log = logging.getLogger(__name__)


class KeySource(StrEnum):
    """Where the secret key came from."""

    ENVIRONMENT = "environment"
    PER_INSTALL_FILE = "per-install file"
    EPHEMERAL = "ephemeral"  # a key for this run only: sessions end with the app


class Config:
    """Settings shared by every environment."""

    SECRET_KEY: str | None = None
    SECRET_KEY_SOURCE: KeySource | None = None
    BOOTSTRAP_SERVE_LOCAL = True
    SESSION_COOKIE_NAME = "flasky_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=365)
    MAX_CONTENT_LENGTH = 1024 * 1024
    NAME_HISTORY_LENGTH = 20
    # Secrets of the running desktop app, masked on every page that shows cookies, headers or
    # query arguments: the launch's access cookie and the token of its entry address.
    MASKED_COOKIES = ("flasky_access",)
    MASKED_ARGS = ("token",)
    # Sent as Cross-Origin-Opener-Policy: other sites' windows that open a page get no hold
    # on it. The desktop app's own window, which never shows another site (other sites open in
    # the browser), does without it: there it would cost a second renderer process for the
    # first page (desktop/launcher.py).
    OPENER_POLICY: str | None = "same-origin"
    # Where compiled templates are kept between runs (the desktop app's cache), or None.
    TEMPLATE_CACHE_FOLDER: Path | None = None
    # A form's CSRF token stays valid for as long as its session, not one hour: a desktop
    # window stays open for days. Other sites still cannot send it: they cannot read it.
    WTF_CSRF_TIME_LIMIT = None


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True


class DesktopConfig(Config):
    """The configuration the desktop launcher runs the app with."""


config_by_name: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "desktop": DesktopConfig,
}


def load_config(
    name: str | None = None,
    environ: Mapping[str, str] = os.environ,
    stored_key: Callable[[], str | None] | None = None,
) -> Config:
    """Build the config named ``name`` (or ``$FLASKY_CONFIG``), with its secret key.

    ``stored_key`` gives the per-install key of an app that keeps one (the desktop app does),
    or None when it cannot keep one.
    """
    name = name or environ.get("FLASKY_CONFIG") or "development"
    try:
        config = config_by_name[name]()
    except KeyError:
        choices = ", ".join(config_by_name)
        raise ValueError(f"Unknown configuration {name!r}; choose one of: {choices}.") from None
    config.SECRET_KEY, config.SECRET_KEY_SOURCE = choose_secret_key(environ, stored_key)
    return config


def choose_secret_key(
    environ: Mapping[str, str], stored_key: Callable[[], str | None] | None = None
) -> tuple[str, KeySource]:
    """The secret key and where it came from, in this order: the environment
    (``FLASKY_SECRET_KEY``, else ``SECRET_KEY``; empty values count as unset), the per-install
    key, else a key for this run only."""
    from_environment = environ.get("FLASKY_SECRET_KEY") or environ.get("SECRET_KEY")
    if from_environment:
        return from_environment, KeySource.ENVIRONMENT
    if stored_key and (key := stored_key()):
        return key, KeySource.PER_INSTALL_FILE
    log.warning(
        "No FLASKY_SECRET_KEY is set and no key is kept: using a key for this run only, "
        "so sessions end when the app stops."
    )
    return secrets.token_hex(32), KeySource.EPHEMERAL
