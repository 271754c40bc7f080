import threading
import uuid

import pytest

from desktop.instance import SingleInstance, instance_address


@pytest.fixture
def address(tmp_path):
    return instance_address(tmp_path / uuid.uuid4().hex)


def test_only_the_first_launch_acquires_the_instance(address):
    first, second = SingleInstance(address, "key"), SingleInstance(address, "key")
    assert first.acquire()
    try:
        assert not second.acquire()
    finally:
        first.release()
    assert second.acquire()
    second.release()


@pytest.fixture
def shown(address):
    """Set when the running launch, holding ``address`` with the key "key", is asked to show."""
    shown = threading.Event()
    first = SingleInstance(address, "key")
    assert first.acquire()
    first.listen(shown.set)
    yield shown
    first.release()


def test_a_second_launch_asks_the_first_to_show_its_window(address, shown):
    assert SingleInstance(address, "key").ask_running_instance_to_show()
    assert shown.wait(5)


def test_a_launch_with_another_key_is_not_obeyed(address, shown):
    assert not SingleInstance(address, "another key").ask_running_instance_to_show()
    assert not shown.wait(0.5)


def test_instances_of_different_data_folders_do_not_collide(tmp_path):
    first = SingleInstance(instance_address(tmp_path / "a"), "key")
    second = SingleInstance(instance_address(tmp_path / "b"), "key")
    assert first.acquire() and second.acquire()
    first.release()
    second.release()


def test_a_launch_with_a_wrong_key_does_not_stop_the_next_one_from_being_obeyed(address, shown):
    assert not SingleInstance(address, "another key").ask_running_instance_to_show()
    assert SingleInstance(address, "key").ask_running_instance_to_show()
    assert shown.wait(5)


def test_as_a_context_manager_the_instance_is_held_only_inside_the_block(address):
    with SingleInstance(address, "key") as first:
        assert first.acquired
        with SingleInstance(address, "key") as second:
            assert not second.acquired
    with SingleInstance(address, "key") as again:
        assert again.acquired
