import logging

import pytest

from webapp import create_app
from webapp.config import DesktopConfig, TestingConfig, load_config


def test_secret_key_comes_from_flasky_secret_key():
    config = load_config("testing", {"FLASKY_SECRET_KEY": "from-env", "SECRET_KEY": "other"})
    assert config.SECRET_KEY == "from-env"


def test_plain_secret_key_is_honoured():
    assert load_config("testing", {"SECRET_KEY": "plain"}).SECRET_KEY == "plain"


def test_empty_secret_key_counts_as_unset():
    assert load_config("testing", {"FLASKY_SECRET_KEY": "", "SECRET_KEY": ""}).SECRET_KEY is None


def test_config_is_picked_by_name():
    assert isinstance(load_config("desktop", {}), DesktopConfig)
    assert isinstance(load_config(None, {"FLASKY_CONFIG": "testing"}), TestingConfig)


def test_unknown_config_name_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown configuration 'staging'"):
        load_config("staging", {})


def test_app_without_a_secret_key_makes_a_random_one_and_warns(caplog):
    with caplog.at_level(logging.WARNING):
        first = create_app(load_config("testing", {}))
        second = create_app(load_config("testing", {}))
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert "No FLASKY_SECRET_KEY is set" in caplog.text
