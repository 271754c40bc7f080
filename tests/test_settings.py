import json

from desktop.settings import WindowGeometry, load_geometry, save_geometry


def test_geometry_round_trips(tmp_path):
    path = tmp_path / "config" / "settings.json"
    assert save_geometry(path, WindowGeometry(900, 700, 10, 20))
    assert load_geometry(path) == WindowGeometry(900, 700, 10, 20)


def test_missing_settings_give_the_default_geometry(tmp_path):
    assert load_geometry(tmp_path / "settings.json") == WindowGeometry()


def test_corrupt_settings_give_the_default_geometry(tmp_path, caplog):
    path = tmp_path / "settings.json"
    path.write_bytes(b"{not json\xff")
    assert load_geometry(path) == WindowGeometry()
    assert "Ignoring the unreadable settings file" in caplog.text


def test_out_of_range_or_wrong_typed_values_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"window": {"width": 10, "height": "tall", "x": True, "y": -50}}))
    assert load_geometry(path) == WindowGeometry(x=None, y=-50)


def test_settings_that_are_not_an_object_give_the_default_geometry(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("[1, 2, 3]")
    assert load_geometry(path) == WindowGeometry()


def test_unwritable_settings_report_failure(tmp_path):
    blocker = tmp_path / "config"
    blocker.write_text("a file where a folder should be")
    assert not save_geometry(blocker / "settings.json", WindowGeometry())


def test_values_beyond_any_screen_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    too_far = {"width": 20_001, "height": 99_999, "x": 25_000, "y": -25_000}
    path.write_text(json.dumps({"window": too_far}))
    assert load_geometry(path) == WindowGeometry()
