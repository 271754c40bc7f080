import os
import stat

import pytest

from desktop.secret import load_or_create_secret_key


def mode_of(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_key_is_created_once_with_mode_0600(tmp_path):
    path = tmp_path / "data" / "secret_key"
    key = load_or_create_secret_key(path)
    assert len(key) == 64
    assert mode_of(path) == 0o600
    assert load_or_create_secret_key(path) == key


def test_corrupt_key_file_is_set_aside_and_replaced(tmp_path, caplog):
    path = tmp_path / "secret_key"
    path.write_text("not a key")
    key = load_or_create_secret_key(path)
    assert path.read_text() == key
    assert (tmp_path / "secret_key.corrupt").read_text() == "not a key"
    assert "is corrupt" in caplog.text


def test_a_valid_key_followed_by_junk_is_set_aside_as_corrupt(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("ab" * 32 + "junk")
    key = load_or_create_secret_key(path)
    assert key != "ab" * 32
    assert (tmp_path / "secret_key.corrupt").read_text() == "ab" * 32 + "junk"


def test_key_file_readable_by_others_is_made_private(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("ab" * 32)
    path.chmod(0o644)
    assert load_or_create_secret_key(path) == "ab" * 32
    assert mode_of(path) == 0o600


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_key_file_is_left_alone(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("ab" * 32)
    path.chmod(0)
    assert load_or_create_secret_key(path) is None
    path.chmod(0o600)
    assert path.read_text() == "ab" * 32


def test_key_file_that_is_a_directory_gives_no_key(tmp_path, caplog):
    path = tmp_path / "secret_key"
    path.mkdir()
    assert load_or_create_secret_key(path) is None
    assert path.is_dir()
    assert "Cannot read the secret key file" in caplog.text


def test_binary_garbage_in_the_key_file_is_replaced(tmp_path):
    path = tmp_path / "secret_key"
    path.write_bytes(b"\xff\xfe\x00garbage")
    key = load_or_create_secret_key(path)
    assert path.read_text() == key
