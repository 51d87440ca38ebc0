"""The demo seed fills the handbook once, in Finnish with one Swedish and one English article."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command

from tuki.accounts.models import User
from tuki.core.scoping import visible_to
from tuki.demo.handbook import seed_handbook
from tuki.handbook.models import Article


def test_seed_handbook_is_idempotent_and_scoped(db: Any) -> None:
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    count = Article.objects.count()
    assert count >= 5
    assert set(Article.objects.values_list("language", flat=True)) == {"fi", "sv", "en"}
    assert seed_handbook() == 0
    assert Article.objects.count() == count

    anna = User.objects.get(email="anna@asiakas-a.example")
    bertil = User.objects.get(email="bertil@bertil.example")
    for_anna = set(visible_to(anna, Article).values_list("language", flat=True))
    for_bertil = set(visible_to(bertil, Article).values_list("language", flat=True))
    assert for_anna == {"fi"}
    assert "sv" in for_bertil and "en" not in for_bertil
    assert not visible_to(anna, Article).filter(published=False).exists()
