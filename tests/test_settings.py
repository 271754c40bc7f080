import json

from desktop.settings import Settings, Theme, WindowGeometry, load_settings, save_settings


def test_settings_round_trip(tmp_path):
    path = tmp_path / "config" / "settings.json"
    settings = Settings(WindowGeometry(900, 700, 10, 20), zoom=1.25, theme=Theme.DARK)
    assert save_settings(path, settings)
    assert load_settings(path) == settings


def test_missing_settings_give_the_defaults(tmp_path):
    assert load_settings(tmp_path / "settings.json") == Settings()


def test_corrupt_settings_give_the_defaults(tmp_path, caplog):
    path = tmp_path / "settings.json"
    path.write_bytes(b"{not json\xff")
    assert load_settings(path) == Settings()
    assert "Ignoring the unreadable settings file" in caplog.text


def test_out_of_range_or_wrong_typed_values_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"window": {"width": 10, "height": "tall", "x": True, "y": -50}}))
    assert load_settings(path).window == WindowGeometry(x=None, y=-50)


def test_zoom_and_theme_out_of_range_or_unknown_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    for zoom, theme in ((0.1, "sepia"), (9, 2), (True, None), ("1.5", "DARK")):
        path.write_text(json.dumps({"zoom": zoom, "theme": theme}))
        assert load_settings(path) == Settings()
    path.write_text(json.dumps({"zoom": 5, "theme": "light"}))
    assert load_settings(path) == Settings(zoom=5.0, theme=Theme.LIGHT)


def test_settings_of_the_geometry_only_version_keep_their_geometry(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"window": {"width": 900, "height": 700, "x": 1, "y": 2}}))
    assert load_settings(path) == Settings(WindowGeometry(900, 700, 1, 2))


def test_settings_that_are_not_an_object_give_the_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("[1, 2, 3]")
    assert load_settings(path) == Settings()


def test_unwritable_settings_report_failure(tmp_path):
    blocker = tmp_path / "config"
    blocker.write_text("a file where a folder should be")
    assert not save_settings(blocker / "settings.json", Settings())


def test_values_beyond_any_screen_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    too_far = {"width": 20_001, "height": 99_999, "x": 25_000, "y": -25_000}
    path.write_text(json.dumps({"window": too_far}))
    assert load_settings(path) == Settings()
