"""Several workers at once: a job run in threads, each with a database connection of its own; and the address of
the test database, for a process of its own."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.conf import settings
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


def database_url() -> str:
    """``DATABASE_URL`` for a child process that must use this test's database."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
