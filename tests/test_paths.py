from desktop.paths import is_writable, resource_path, user_paths


def test_user_paths_follow_the_xdg_directories(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "runtime"))
    paths = user_paths()
    assert paths.secret_key == tmp_path / "data" / "Flasky" / "secret_key"
    assert paths.settings == tmp_path / "config" / "Flasky" / "settings.json"
    assert paths.log_file.is_relative_to(tmp_path / "state" / "Flasky")
    assert paths.unpacked_builds == tmp_path / "cache" / "Flasky" / "builds"
    assert paths.kept_session == tmp_path / "data" / "Flasky" / "session_cookie"
    assert paths.runtime == tmp_path / "runtime"


def test_without_a_runtime_folder_there_is_none(monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    assert user_paths().runtime is None


def test_is_writable_creates_the_directory(tmp_path):
    assert is_writable(tmp_path / "new" / "dir")
    assert (tmp_path / "new" / "dir").is_dir()


def test_a_file_in_place_of_a_directory_is_not_writable(tmp_path):
    (tmp_path / "data").write_text("")
    assert not is_writable(tmp_path / "data")


def test_resource_path_finds_files_shipped_with_the_app():
    assert resource_path("webapp", "static", "flasky.svg").is_file()
