import pytest

from webapp import create_app
from webapp.config import TestingConfig


@pytest.fixture
def app():
    config = TestingConfig()
    config.SECRET_KEY = "a key for tests only"
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
