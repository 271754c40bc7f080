"""Nothing the user saw saved is lost: the whole app killed with SIGKILL (a crash, an OOM kill,
a power cut) at any moment after the greeting, and launched again, greets the same name with
the same history. The web engine alone writes its cookies to disk only every 30 s or so."""

import time

import pytest

from desktop.events import PAGE_LOADED

from .helpers import close_and_wait


@pytest.mark.parametrize("seconds", [0, 1, 5], ids=["at-once", "after-1s", "after-5s"])
def test_the_greeting_and_history_survive_a_kill_after_the_greeting(
    open_window, screen, window_env, seconds
):
    first = open_window(window_env)
    screen.type_into(screen.find_window("Flasky"), "Alice")
    first.wait_for_event(PAGE_LOADED, title="Hello, Alice! · Flasky")
    time.sleep(seconds)
    first.kill()

    second = open_window(window_env, title="Hello, Alice! · Flasky")
    (shown,) = second.events(PAGE_LOADED)
    assert shown["shows"]["lists"] == [["Alice"]]
    screen.type_into(screen.find_window("Flasky"), "Bob")
    bob = second.wait_for_event(PAGE_LOADED, title="Hello, Bob! · Flasky")
    assert bob["shows"]["lists"] == [["Alice", "Bob"]]
    assert bob["shows"]["alerts"] == ["Looks like you have changed your name!"]
    assert close_and_wait(screen, second) == 0
