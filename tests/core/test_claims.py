"""Jobs that act on everything at once run once however many workers start them (tuki.core.claims)."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from tests.workers import run_in_workers
from tuki.core.claims import claim, release
from tuki.core.models import JobClaim
from tuki.core.tasks import clear_expired_sessions, clear_old_login_failures, files_remove_orphans

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_of_many_workers_wins_a_claim() -> None:
    results, failures = run_in_workers(lambda: int(claim("job", for_=timedelta(minutes=5)) is not None), workers=4)
    assert not failures
    assert sorted(results) == [0, 0, 0, 1]
    assert JobClaim.objects.get(name="job").until > timezone.now()


def test_a_claim_runs_out_and_is_given_back_only_by_its_owner() -> None:
    now = timezone.now()
    owner = claim("job", for_=timedelta(minutes=5), now=now)
    assert owner and claim("job", for_=timedelta(minutes=5), now=now + timedelta(minutes=4)) is None
    # The holder died: after its time anyone may take the job.
    later = claim("job", for_=timedelta(minutes=5), now=now + timedelta(minutes=6))
    assert later
    release("job", owner)  # the dead holder's late release changes nothing
    assert claim("job", for_=timedelta(minutes=5), now=now + timedelta(minutes=7)) is None
    release("job", later, now=now + timedelta(minutes=7))
    assert claim("job", for_=timedelta(minutes=5), now=now + timedelta(minutes=7))


def test_the_nightly_orphan_sweep_runs_once(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    names = [default_storage.save(f"attachments/2027/12/orphan-{n}.pdf", ContentFile(b"x")) for n in range(30)]
    then = time.time() - 3 * 24 * 3600
    for name in names:
        os.utime(default_storage.path(name), (then, then))
    results, failures = run_in_workers(files_remove_orphans.call_local, workers=3)
    assert not failures
    assert sorted(results, key=str) == sorted([30, None, None], key=str)
    assert default_storage.listdir("attachments/2027/12")[1] == []
    assert files_remove_orphans.call_local() is None  # the same night, queued again by a late consumer


def test_the_nightly_session_clean_up_runs_once() -> None:
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    results, failures = run_in_workers(clear_expired_sessions.call_local, workers=3)
    assert not failures and sorted(results) == [False, False, True]
    assert not Session.objects.exists()


def test_the_nightly_login_failure_clean_up_runs_once() -> None:
    results, failures = run_in_workers(clear_old_login_failures.call_local, workers=3)
    assert not failures and sorted(results) == [False, False, True]
