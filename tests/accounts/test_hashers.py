"""Passwords are hashed with Argon2id at little memory; hashes made with other parameters keep working."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from tuki.accounts.hashers import Argon2PasswordHasher


def test_new_hashes_use_little_memory() -> None:
    encoded = make_password("correct horse battery staple")
    assert encoded.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    assert isinstance(identify_hasher(encoded), Argon2PasswordHasher)


def test_a_hash_with_djangos_parameters_still_verifies_and_is_made_again(agent: Any) -> None:
    old = DjangoArgon2().encode("an older password 1", DjangoArgon2().salt())
    assert "m=102400" in old
    agent.password = old
    agent.save(update_fields=["password"])
    assert agent.check_password("an older password 1")
    agent.refresh_from_db()
    assert "m=7168,t=5,p=1" in agent.password
    assert check_password("an older password 1", agent.password)
