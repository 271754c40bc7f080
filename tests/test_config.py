import logging
import subprocess
import sys

import pytest

from harness.process import ROOT
from webapp import create_app
from webapp.config import DesktopConfig, KeySource, TestingConfig, load_config


def test_secret_key_comes_from_flasky_secret_key():
    config = load_config("testing", {"FLASKY_SECRET_KEY": "from-env", "SECRET_KEY": "other"})
    assert (config.SECRET_KEY, config.SECRET_KEY_SOURCE) == ("from-env", KeySource.ENVIRONMENT)


def test_plain_secret_key_is_honoured():
    assert load_config("testing", {"SECRET_KEY": "plain"}).SECRET_KEY == "plain"


def test_the_environment_wins_over_the_per_install_key():
    config = load_config("desktop", {"SECRET_KEY": "plain"}, stored_key=lambda: "stored")
    assert config.SECRET_KEY == "plain"


def test_the_per_install_key_is_used_when_the_environment_has_none():
    config = load_config("desktop", {"FLASKY_SECRET_KEY": ""}, stored_key=lambda: "stored")
    assert (config.SECRET_KEY, config.SECRET_KEY_SOURCE) == ("stored", KeySource.PER_INSTALL_FILE)


@pytest.mark.parametrize("stored_key", [None, lambda: None])
def test_without_a_kept_key_a_random_one_for_this_run_is_used_with_a_warning(stored_key, caplog):
    with caplog.at_level(logging.WARNING):
        first = load_config("testing", {"FLASKY_SECRET_KEY": "", "SECRET_KEY": ""}, stored_key)
        second = load_config("testing", {}, stored_key)
    assert len(first.SECRET_KEY) == 64
    assert first.SECRET_KEY != second.SECRET_KEY
    assert first.SECRET_KEY_SOURCE is KeySource.EPHEMERAL
    assert "No FLASKY_SECRET_KEY is set" in caplog.text


def test_config_is_picked_by_name():
    assert isinstance(load_config("desktop", {}), DesktopConfig)
    assert isinstance(load_config(None, {"FLASKY_CONFIG": "testing"}), TestingConfig)


def test_unknown_config_name_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown configuration 'staging'"):
        load_config("staging", {})


def test_an_app_cannot_be_built_without_a_secret_key():
    with pytest.raises(ValueError, match="no SECRET_KEY"):
        create_app(TestingConfig())


def test_the_config_imports_without_flask():
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, webapp.config; print(sorted(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "'flask'" not in imported and "'flask_wtf'" not in imported


def test_templates_compiled_once_are_kept_in_the_cache_folder(tmp_path):
    config = load_config("testing", {"FLASKY_SECRET_KEY": "a key"})
    config.TEMPLATE_CACHE_FOLDER = tmp_path / "templates"
    assert "Hello, Stranger!" in create_app(config).test_client().get("/").text
    kept = sorted(path.name for path in config.TEMPLATE_CACHE_FOLDER.iterdir())
    assert kept and all(name.endswith(".cache") for name in kept)
    assert "Hello, Stranger!" in create_app(config).test_client().get("/").text
    assert sorted(path.name for path in config.TEMPLATE_CACHE_FOLDER.iterdir()) == kept


def test_a_cache_folder_that_cannot_be_made_only_costs_the_compiling(tmp_path, caplog):
    (tmp_path / "cache").write_text("a file where the folder should be")
    config = load_config("testing", {"FLASKY_SECRET_KEY": "a key"})
    config.TEMPLATE_CACHE_FOLDER = tmp_path / "cache" / "templates"
    assert "Hello, Stranger!" in create_app(config).test_client().get("/").text
    assert "Not keeping compiled templates" in caplog.text
