from tuki.core.queue import WalSqliteHuey


def test_the_sqlite_job_store_runs_in_wal_mode_without_a_disk_wait_per_job(tmp_path):
    huey = WalSqliteHuey("jobs", filename=str(tmp_path / "huey.sqlite3"))

    @huey.task()
    def add(a, b):
        return a + b

    add(1, 2)
    connection = huey.storage.conn
    assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert connection.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL
    assert huey.pending_count() == 1
    assert huey.execute(huey.dequeue()) == 3
    assert huey.pending_count() == 0
