"""How passwords are hashed."""

from __future__ import annotations

from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Argon2id at the OWASP Password Storage Cheat Sheet's recommended minimum: 19 MiB, 2 passes, 1 lane.

    Django's own choice (100 MiB, 2 passes, 8 lanes) makes every web worker that checks one password hold 100 MiB
    more for the rest of its life, and costs eight CPU lanes on a machine that has two. The algorithm's name stays
    "argon2", so hashes made with other parameters still verify and are re-made with these at the next login.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
