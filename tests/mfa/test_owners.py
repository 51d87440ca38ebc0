"""Whether an agent has an authenticator is kept by each process, and a committed change reaches every one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.second_step import enrolled_device
from tuki.mfa.policy import OWNERS, Standing, has_authenticator, standing


@pytest.mark.django_db(transaction=True)
def test_an_enrolled_or_removed_authenticator_is_seen_at_the_next_page(file_cache: Any, agent: Any) -> None:
    assert not has_authenticator(agent)
    kept = OWNERS.get()  # what this process holds now
    device = enrolled_device(agent)
    assert OWNERS.get() is not kept and has_authenticator(agent)
    device.delete()
    assert not has_authenticator(agent)


@pytest.mark.django_db(transaction=True)
def test_an_agent_who_enrolled_elsewhere_is_asked_for_the_code(file_cache: Any, agent: Any) -> None:
    browser = Client()
    browser.force_login(agent)
    assert browser.get("/desk/").status_code == 200  # no device: the step is optional for agents
    enrolled_device(agent)  # at another browser, committed
    response = browser.get("/desk/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-step/verify/")


@pytest.mark.django_db
def test_contacts_never_cost_a_look(anna: Any, django_assert_num_queries: Any) -> None:
    class Signed:
        is_authenticated = True
        is_supplier_staff = False

    with django_assert_num_queries(0):
        assert standing(Signed()) is Standing.DONE
    assert anna is not None
