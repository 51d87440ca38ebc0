from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse


def test_reset_mail_leads_to_a_new_password(client: Client, anna: Any) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "anna@org-a.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@org-a.example"]
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/password-reset/\S+)", message.body)
    assert link, message.body
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new = "a-fresh-and-long-passphrase"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    login = client.post(reverse("accounts:login"), {"username": "anna@org-a.example", "password": new})
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(anna.pk)


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client: Client, db: Any) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@org-a.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_reset_requests_are_throttled(client: Client, anna: Any) -> None:
    for _ in range(3):
        client.post(reverse("accounts:password_reset"), {"email": "anna@org-a.example"})
    fourth = client.post(reverse("accounts:password_reset"), {"email": "anna@org-a.example"}, HTTP_ACCEPT_LANGUAGE="en")
    assert fourth.status_code == 200
    assert "Too many password reset requests" in fourth.content.decode()
    assert len(mail.outbox) == 3
