"""Flasky: the app of *Flask Web Development*, chapters 1–4, as a live learning companion."""

from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, load_config

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Config | None = None) -> "Flask":
    """Create the Flask app; without a config, build one from the environment."""
    # Flask is imported here, not above, so that importing webapp.config (as the desktop
    # launcher does before its window opens) does not import Flask and its extensions.
    from flask import Flask

    from . import masking, response_log, security
    from .extensions import bootstrap, csrf, moment
    from .main import bp

    config = config or load_config()
    if not config.SECRET_KEY:
        raise ValueError("The config has no SECRET_KEY: build it with webapp.config.load_config.")
    app = Flask(__name__)
    app.config.from_object(config)
    if config.TEMPLATE_CACHE_FOLDER:
        keep_compiled_templates(app, config.TEMPLATE_CACHE_FOLDER)

    bootstrap.init_app(app)
    moment.init_app(app)
    csrf.init_app(app)

    security.init_app(app)
    masking.init_app(app)
    response_log.init_app(app)

    app.register_blueprint(bp)
    return app


def keep_compiled_templates(app: "Flask", folder: Path) -> None:
    """Keep the templates compiled in ``folder``, so that a later run need not compile them
    again (about 0.08 s for the home page); without a usable folder, compile as usual."""
    from jinja2 import FileSystemBytecodeCache

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        app.logger.warning("Not keeping compiled templates in %s (%s).", folder, error)
        return
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(folder))
