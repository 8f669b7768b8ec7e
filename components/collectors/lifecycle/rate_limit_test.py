from __future__ import annotations

import pytest

from collectors.lifecycle.rate_limit import TokenBucket


class FakeClock:
    """Time that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sent: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds


def test_never_more_than_two_requests_in_any_second() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2.0, clock=clock, sleep=clock.sleep)
    for _ in range(20):
        bucket.acquire()
        clock.sent.append(clock.now)
    assert clock.sent[:4] == [0.0, 0.5, 1.0, 1.5]
    assert clock.sent[-1] == pytest.approx(9.5)
    for start in clock.sent:
        assert sum(start <= t < start + 1.0 for t in clock.sent) <= 2


def test_a_wait_that_float_rounding_leaves_short_is_not_repeated_forever() -> None:
    # From 0.2 s, a 0.01 s pause and a refill leave 0.9999999999999998 tokens; the missing
    # 1e-16 s does not move a clock at 0.7 s. This once looped until the process ran out of
    # memory.
    clock = FakeClock()
    clock.now = 0.2
    slept: list[float] = []

    def counted(seconds: float) -> None:
        slept.append(seconds)
        assert len(slept) < 10, "the bucket keeps sleeping"
        clock.sleep(seconds)

    bucket = TokenBucket(2.0, clock=clock, sleep=counted)
    bucket.acquire()
    clock.now += 0.01
    bucket.acquire()
    bucket.acquire()
    assert clock.now == pytest.approx(1.2)
    assert slept == pytest.approx([0.49, 0.5])


def test_idle_time_refills_up_to_the_capacity_only() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2.0, clock=clock, sleep=clock.sleep)
    bucket.acquire()
    clock.now += 60  # a long pause earns one token (the capacity), not 120
    for _ in range(3):
        bucket.acquire()
    assert clock.now == pytest.approx(61.0)
    assert bucket.waited == pytest.approx(1.0)


def test_a_larger_capacity_allows_a_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2.0, capacity=2, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        bucket.acquire()
    assert clock.now == pytest.approx(0.5)


@pytest.mark.parametrize(("rate", "capacity"), [(0, 1.0), (-1, 1.0), (2, 0.5)])
def test_nonsense_limits_are_refused(rate: float, capacity: float) -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate, capacity)
