"""Several workers at once: a job run in threads, each with a database connection of its own."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_in_workers(job: Callable[[], int], workers: int = 2) -> tuple[list[int], list[BaseException]]:
    """What each worker's run of ``job`` returned, and what any of them raised."""
    results: list[int] = []
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(job())
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, failures
