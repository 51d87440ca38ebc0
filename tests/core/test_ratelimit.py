"""Counters and limits on the cache Tuki runs with when there is no Redis: files shared by every process."""

from typing import Any

from tuki.core.ratelimit import hit, increment, seconds_blocked


def test_a_counter_keeps_its_lifetime_across_increments(file_cache: Any, time_machine: Any) -> None:
    time_machine.move_to("2026-12-03 10:00:00+02:00", tick=False)
    assert [increment("attempts", timeout=3600) for _ in range(3)] == [1, 2, 3]
    time_machine.shift(600)  # past the cache's default lifetime of five minutes
    assert increment("attempts", timeout=3600) == 4
    time_machine.shift(3601)
    assert increment("attempts", timeout=3600) == 1


def test_a_limit_holds_for_its_window_and_ends_with_it(file_cache: Any, time_machine: Any) -> None:
    time_machine.move_to("2026-12-03 10:00:00+02:00", tick=False)
    assert [hit("resets:anna", limit=2, window_seconds=3600) for _ in range(3)] == [True, True, False]
    time_machine.shift(1800)
    assert not hit("resets:anna", limit=2, window_seconds=3600)
    assert hit("resets:bertil", limit=2, window_seconds=3600)
    time_machine.shift(1800)
    assert hit("resets:anna", limit=2, window_seconds=3600)


def test_a_limit_checked_apart_from_its_count_says_how_long_to_wait(file_cache: Any, time_machine: Any) -> None:
    time_machine.move_to("2026-12-03 10:00:30+02:00", tick=False)
    assert seconds_blocked("logins:office", limit=2, window_seconds=300) == 0
    hit("logins:office", limit=2, window_seconds=300)
    assert seconds_blocked("logins:office", limit=2, window_seconds=300) == 0
    hit("logins:office", limit=2, window_seconds=300)
    assert seconds_blocked("logins:office", limit=2, window_seconds=300) == 270
    assert seconds_blocked("logins:home", limit=2, window_seconds=300) == 0
    time_machine.shift(269.5)
    assert seconds_blocked("logins:office", limit=2, window_seconds=300) == 1
    time_machine.shift(0.5)
    assert seconds_blocked("logins:office", limit=2, window_seconds=300) == 0
