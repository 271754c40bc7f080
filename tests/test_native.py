"""The window's menus and shortcuts, zoom, theme, clipboard and reset (desktop/native.py,
desktop/menus.py), driven by real key presses through the virtual X server, and read back from
the pages the window loads (the page-loaded event) and the settings file."""

import json
import subprocess
import time
from pathlib import Path

import pytest
from Xlib import X

from desktop.events import PAGE_LOADED
from desktop.keeper import FORGOTTEN
from harness.process import AppProcess
from harness.x11 import Screen

from .helpers import port_is_free

pytestmark = pytest.mark.window

SETTINGS = Path("config", "Flasky", "settings.json")
KEPT_SESSION = Path("data", "Flasky", "session_cookie")


def next_page(app: AppProcess, seen: int, timeout: float = 30) -> dict:
    """The page the window loads after the first ``seen``, once it is loaded."""
    deadline = time.monotonic() + timeout
    while len(pages := app.events(PAGE_LOADED)) <= seen:
        assert app.process.poll() is None, f"the app exited:\n{app.log()}"
        assert time.monotonic() < deadline, f"no page loaded after {seen}:\n{app.log()}"
        time.sleep(0.05)
    return pages[seen]


def press(screen: Screen, app: AppProcess, *keys: str) -> dict:
    """Press ``keys`` in the window, then the page it loads."""
    seen = len(app.events(PAGE_LOADED))
    screen.press(screen.find_window("Flasky"), *keys)
    return next_page(app, seen)


def context_menu(screen: Screen, app: AppProcess, key: str) -> dict:
    """Right-click in the page, press ``key`` in the context menu, then the page it loads."""
    seen = len(app.events(PAGE_LOADED))
    window = screen.find_window("Flasky")
    shown = viewable_windows(screen)
    subprocess.run(
        ["xdotool", "mousemove", "--window", str(window.id), "400", "500", "click", "3"],
        env={"DISPLAY": screen.name},
        check=True,
    )
    deadline = time.monotonic() + 10
    while viewable_windows(screen) <= shown:  # until the menu is on the screen
        assert time.monotonic() < deadline, "no context menu"
        time.sleep(0.05)
    subprocess.run(["xdotool", "key", key], env={"DISPLAY": screen.name}, check=True)
    return next_page(app, seen)


def viewable_windows(screen: Screen) -> int:
    children = screen.root.query_tree().children
    return sum(child.get_attributes().map_state == X.IsViewable for child in children)


def path_of(page: dict) -> str:
    return "/" + page["url"].split("/", 3)[3]


def quit_with_ctrl_q(screen: Screen, app: AppProcess) -> None:
    screen.press(screen.find_window("Flasky"), "ctrl+q")
    assert app.wait() == 0
    assert port_is_free(app.port)


def clipboard(screen: Screen, text: str | None = None) -> str:
    """Put ``text`` on the X clipboard, or read what is there."""
    command = ["xclip", "-selection", "clipboard"]
    env = {"DISPLAY": screen.name}
    if text is not None:
        subprocess.run(command, input=text, text=True, env=env, check=True)
        return text
    return subprocess.run([*command, "-o"], capture_output=True, text=True, env=env).stdout


def test_go_and_zoom_shortcuts_work_and_the_zoom_survives_a_restart(
    open_window, screen, home, window_env
):
    app = open_window(window_env)
    assert app.events(PAGE_LOADED)[0]["shows"]["zoom"] == 1
    screen.press(screen.find_window("Flasky"), "ctrl+plus", "ctrl+equal")  # two steps: 125 %
    tour = press(screen, app, "F1")  # Help → the book tour
    assert path_of(tour) == "/tour"
    assert tour["shows"]["zoom"] == pytest.approx(1.25)  # the zoom stays as pages change

    followed = press(screen, app, "Tab", "Return")  # the tour page's first link
    assert path_of(followed) != "/tour"
    back = press(screen, app, "alt+Left")
    assert (path_of(back), back["shows"]["navigation"]["type"]) == ("/tour", "back_forward")
    forward = press(screen, app, "alt+Right")
    assert path_of(forward) == path_of(followed)
    assert path_of(press(screen, app, "alt+Home")) == "/"
    assert path_of(context_menu(screen, app, "b")) == path_of(followed)  # its Back
    assert path_of(press(screen, app, "alt+Home")) == "/"

    screen.press(screen.find_window("Flasky"), "ctrl+minus")
    reloaded = press(screen, app, "ctrl+r")
    assert reloaded["shows"]["navigation"]["type"] == "reload"
    assert reloaded["shows"]["zoom"] == pytest.approx(1.1)
    quit_with_ctrl_q(screen, app)
    assert json.loads((home / SETTINGS).read_text())["zoom"] == pytest.approx(1.1)

    again = open_window(window_env)
    assert again.events(PAGE_LOADED)[0]["shows"]["zoom"] == pytest.approx(1.1)
    screen.press(screen.find_window("Flasky"), "ctrl+0")
    assert press(screen, again, "F5")["shows"]["zoom"] == 1
    quit_with_ctrl_q(screen, again)
    assert json.loads((home / SETTINGS).read_text())["zoom"] == 1


def test_the_theme_chosen_in_the_view_menu_reaches_the_pages_and_is_remembered(
    open_window, screen, home, window_env
):
    # A dark desktop: Qt's GTK theme reads GTK's, and the theme is System at first.
    dark_desktop = dict(window_env, QT_QPA_PLATFORMTHEME="gtk3", GTK_THEME="Adwaita:dark")
    app = open_window(dark_desktop)
    first = app.events(PAGE_LOADED)[0]["shows"]
    assert (first["prefersDark"], first["theme"]) == (True, "dark")
    light = press(screen, app, "alt+v", "t", "l")  # View → Theme → Light
    assert (light["shows"]["prefersDark"], light["shows"]["theme"]) == (False, "light")
    dark = press(screen, app, "alt+v", "t", "d")
    assert (dark["shows"]["prefersDark"], dark["shows"]["theme"]) == (True, "dark")
    quit_with_ctrl_q(screen, app)
    assert json.loads((home / SETTINGS).read_text())["theme"] == "dark"

    light_desktop = dict(window_env, QT_QPA_PLATFORMTHEME="gtk3", GTK_THEME="Adwaita")
    again = open_window(light_desktop)
    assert again.events(PAGE_LOADED)[0]["shows"]["prefersDark"] is True  # remembered
    system = press(screen, again, "alt+v", "t", "s")  # back to the desktop's: light
    assert (system["shows"]["prefersDark"], system["shows"]["theme"]) == (False, "light")
    quit_with_ctrl_q(screen, again)
    assert json.loads((home / SETTINGS).read_text())["theme"] == "system"


def test_copy_and_paste_reach_the_x_clipboard_and_reset_forgets_everything(
    open_window, screen, home, window_env
):
    app = open_window(window_env)
    clipboard(screen, "Zed")
    screen.press(screen.find_window("Flasky"), "alt+e", "p")  # Edit → Paste, in the name field
    greeted = press(screen, app, "Return")
    assert (greeted["title"], greeted["shows"]["lists"]) == ("Hello, Zed! · Flasky", [["Zed"]])
    window = screen.find_window("Flasky")
    subprocess.run(
        ["xdotool", "windowfocus", "--sync", str(window.id), "type", "--delay", "30", "Yan"],
        env={"DISPLAY": screen.name},
        check=True,
    )
    screen.press(window, "alt+e", "a", "alt+e", "c")  # Edit → Select All, Edit → Copy
    deadline = time.monotonic() + 10
    while clipboard(screen) != "Yan":
        assert time.monotonic() < deadline, f"the clipboard has {clipboard(screen)!r}"
        time.sleep(0.05)

    screen.press(window, "ctrl+plus", "alt+v", "t", "d")  # settings that Reset forgets
    assert next_page(app, 2)["shows"]["theme"] == "dark"
    assert (home / KEPT_SESSION).exists()
    screen.press(window, "alt+h", "r")  # Help → Reset Flasky…, then its confirmation, in it
    seen = len(app.events(PAGE_LOADED))
    screen.press(screen.find_window("Reset Flasky"), "alt+r")
    reset = next_page(app, seen)
    assert (reset["title"], reset["shows"]["lists"]) == ("Hello, Stranger! · Flasky", [])
    assert (reset["shows"]["zoom"], reset["shows"]["prefersDark"]) == (1, False)
    quit_with_ctrl_q(screen, app)
    assert json.loads((home / SETTINGS).read_text())["zoom"] == 1
    assert json.loads((home / SETTINGS).read_text())["theme"] == "system"
    assert (home / KEPT_SESSION).read_text() == FORGOTTEN  # and the engine's copy expired

    again = open_window(window_env)  # the stranger's page, not Zed's
    assert again.events(PAGE_LOADED)[0]["shows"]["lists"] == []
    quit_with_ctrl_q(screen, again)
