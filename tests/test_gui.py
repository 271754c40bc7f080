import socket

from desktop.gui import display_problem, x_server_answers


def test_no_display_is_named_as_the_problem():
    assert display_problem(None, None, None) == "there is no display (DISPLAY is not set)"


def test_a_display_nobody_serves_is_named_as_the_problem():
    assert display_problem(":987", None, None) == "the display :987 does not answer"


def test_wayland_or_an_explicit_qt_platform_needs_no_x_display():
    assert display_problem(None, "wayland-0", None) is None
    assert display_problem(None, None, "offscreen") is None


def test_x_server_answers_checks_a_real_tcp_listener():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        if port > 6000:
            assert x_server_answers(f"127.0.0.1:{port - 6000}")
    assert not x_server_answers("garbage")
