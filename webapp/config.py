"""Configuration classes, one per environment, and the one place that reads the environment."""

import os
from collections.abc import Mapping
from datetime import timedelta


class Config:
    """Settings shared by every environment."""

    SECRET_KEY: str | None = None
    BOOTSTRAP_SERVE_LOCAL = True
    SESSION_COOKIE_NAME = "flasky_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=365)
    MAX_CONTENT_LENGTH = 1024 * 1024
    NAME_HISTORY_LENGTH = 20


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


def load_config(name: str | None = None, environ: Mapping[str, str] = os.environ) -> Config:
    """Build the config named ``name`` (or ``$FLASKY_CONFIG``), taking its secret key from the
    environment: ``FLASKY_SECRET_KEY``, else ``SECRET_KEY``. Empty values count as unset.
    """
    name = name or environ.get("FLASKY_CONFIG") or "development"
    try:
        config = config_by_name[name]()
    except KeyError:
        choices = ", ".join(config_by_name)
        raise ValueError(f"Unknown configuration {name!r}; choose one of: {choices}.") from None
    config.SECRET_KEY = environ.get("FLASKY_SECRET_KEY") or environ.get("SECRET_KEY") or None
    return config
