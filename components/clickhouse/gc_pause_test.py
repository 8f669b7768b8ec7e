from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from clickhouse.gc_pause import gc_paused


@pytest.fixture(autouse=True)
def gc_enabled_around_each_test() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_is_on_again_after_an_exception() -> None:
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_nested_pauses_enable_it_only_when_the_outer_one_ends() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_by_someone_else_stays_disabled() -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_overlapping_pauses_in_two_threads_end_with_the_last_one() -> None:
    first_in, second_done = threading.Event(), threading.Event()
    seen_after_second: list[bool] = []

    def first() -> None:
        with gc_paused():
            first_in.set()
            second_done.wait(5)
            seen_after_second.append(gc.isenabled())

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with gc_paused():
        pass
    second_done.set()
    thread.join(5)
    assert seen_after_second == [False]  # the second pause ended, the first still holds it
    assert gc.isenabled()
