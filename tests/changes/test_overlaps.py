"""Overlapping windows on one environment, without a database: the pure sweep against a brute-force oracle."""

from __future__ import annotations

import ast
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tuki.changes import overlaps as module
from tuki.changes.overlaps import Overlap, Window, overlapping_keys, overlaps

T = datetime(2026, 3, 3, 18, tzinfo=UTC)
H = timedelta(hours=1)


def pairs(windows: list[Window]) -> set[tuple[object, object, object]]:
    return {(found.environment, *sorted((found.first, found.second))) for found in overlaps(windows)}  # type: ignore[type-var]


def test_windows_that_share_time_overlap() -> None:
    assert overlaps([Window(1, "prod", T, T + 2 * H), Window(2, "prod", T + H, T + 3 * H)]) == [Overlap("prod", 1, 2)]


def test_touching_windows_follow_each_other() -> None:
    assert overlaps([Window(1, "prod", T, T + H), Window(2, "prod", T + H, T + 2 * H)]) == []


def test_one_window_inside_another_overlaps() -> None:
    assert pairs([Window(1, "prod", T, T + 5 * H), Window(2, "prod", T + H, T + 2 * H)]) == {("prod", 1, 2)}


def test_same_start_overlaps_whatever_the_order_given() -> None:
    windows = [Window(2, "prod", T, T + H), Window(1, "prod", T, T + 2 * H)]
    assert overlaps(windows) == [Overlap("prod", 1, 2)]


def test_other_environments_do_not_overlap() -> None:
    assert overlaps([Window(1, "prod", T, T + 2 * H), Window(2, "test", T, T + 2 * H)]) == []


def test_an_open_window_overlaps_everything_after_its_start() -> None:
    windows = [Window(1, "prod", T, None), Window(2, "prod", T + 100 * H, T + 101 * H)]
    assert pairs(windows) == {("prod", 1, 2)}
    # ... but nothing that ended before it started.
    assert overlaps([Window(1, "prod", T, None), Window(2, "prod", T - 2 * H, T)]) == []


def test_a_window_without_a_start_is_not_placed() -> None:
    assert overlaps([Window(1, "prod", None, T + H), Window(2, "prod", T, T + 2 * H)]) == []


def test_an_instant_overlaps_the_window_that_contains_it_and_not_one_it_touches() -> None:
    assert pairs([Window(1, "prod", T + H, T + H), Window(2, "prod", T, T + 2 * H)]) == {("prod", 1, 2)}
    assert overlaps([Window(1, "prod", T, T), Window(2, "prod", T - H, T)]) == []
    assert pairs([Window(1, "prod", T, T), Window(2, "prod", T, T + H)]) == {("prod", 1, 2)}
    # A window that ends before it starts (refused when saved) counts as an instant, not as a huge span.
    assert overlaps([Window(1, "prod", T + H, T), Window(2, "prod", T + 2 * H, T + 3 * H)]) == []


def test_a_change_on_two_environments_is_one_key_on_each() -> None:
    windows = [Window(1, "prod", T, T + H), Window(1, "test", T, T + H), Window(2, "test", T, T + H)]
    assert overlaps(windows) == [Overlap("test", 1, 2)]
    assert overlapping_keys(windows) == {1: {2}, 2: {1}}


def _oracle(windows: list[Window]) -> set[tuple[object, object, object]]:
    def end(window: Window) -> datetime:
        assert window.start is not None
        if window.end is None:
            return datetime.max.replace(tzinfo=UTC)
        return window.end if window.end > window.start else window.start + timedelta(microseconds=1)

    found = set()
    placed = [window for window in windows if window.start is not None]
    for a in placed:
        for b in placed:
            if a.key < b.key and a.environment == b.environment:  # type: ignore[operator]
                if a.start < end(b) and b.start < end(a):  # type: ignore[operator]
                    found.add((a.environment, a.key, b.key))
    return found


def test_the_sweep_agrees_with_checking_every_pair() -> None:
    rng = random.Random(14)
    for _ in range(300):
        windows = []
        for key in range(rng.randint(0, 12)):
            start = T + rng.randint(0, 20) * H if rng.random() > 0.05 else None
            length = rng.choice([0, 1, 1, 2, 3, None])
            end = None if start is None or length is None else start + length * H
            windows.append(Window(key, rng.choice("ab"), start, end))
        assert pairs(windows) == _oracle(windows)


def test_the_module_is_pure() -> None:
    tree = ast.parse(Path(module.__file__).read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] in {"django", "tuki"} for name in names), names
