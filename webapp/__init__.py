"""Flasky: the app of *Flask Web Development*, chapters 1–4, as a live learning companion."""

import secrets

from flask import Flask
from flask_bootstrap import Bootstrap5
from flask_moment import Moment
from flask_wtf.csrf import CSRFProtect

from . import security
from .config import Config, load_config

bootstrap = Bootstrap5()
moment = Moment()
csrf = CSRFProtect()


def create_app(config: Config | None = None) -> Flask:
    """Create the Flask app; without a config, build one from the environment."""
    app = Flask(__name__)
    app.config.from_object(config or load_config())
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        app.logger.warning(
            "No FLASKY_SECRET_KEY is set: using a random key, so sessions end when the app stops."
        )

    bootstrap.init_app(app)
    moment.init_app(app)
    csrf.init_app(app)

    security.init_app(app)

    from .main import bp

    app.register_blueprint(bp)
    return app
