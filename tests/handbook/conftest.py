"""Handbook fixtures: one article for every customer, one for org A, one for org B, one for both, one draft."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tuki.handbook.models import Article, Category
from tuki.handbook.services import article_save
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_create


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Articles:
    everyone: Article
    for_a: Article
    for_b: Article
    for_both: Article
    draft: Article

    def all(self) -> list[Article]:
        return [self.everyone, self.for_a, self.for_b, self.for_both, self.draft]


@pytest.fixture
def category(db: Any) -> Category:
    return Category.objects.create(name="Printing", slug="printing", order=1)


def write(actor: Any, title: str, body: str, **options: Any) -> Article:
    fields: dict[str, Any] = {"language": "en", "public_to_all": False, "published": True} | options
    return article_save(actor=actor, title=title, body=body, **fields)


@pytest.fixture
def articles(agent: Any, anna: Any, bertil: Any, org_a: Any, org_b: Any, category: Category) -> Articles:
    return Articles(
        everyone=write(
            agent,
            "Printer driver installation",
            "Install the printer driver from the portal.",
            public_to_all=True,
            category=category,
        ),
        for_a=write(
            agent, "Intranet cache for Org A", "Clear the intranet cache after a release.", organisations=[org_a]
        ),
        for_b=write(agent, "Extranet login for Org B", "Secret extranet instructions.", organisations=[org_b]),
        for_both=write(agent, "Shared reporting guide", "Monthly reporting for both.", organisations=[org_a, org_b]),
        draft=write(agent, "Unfinished printer notes", "Draft printer text.", public_to_all=True, published=False),
    )


@pytest.fixture
def request_a(anna: Any, agreement_a: Any) -> Ticket:
    return ticket_create(actor=anna, requester=anna.contact, subject="Printer does not print")
