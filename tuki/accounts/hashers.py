"""How passwords are hashed."""

from __future__ import annotations

from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Argon2id in the OWASP Password Storage Cheat Sheet's configuration with the least memory: 7 MiB, 5 passes,
    1 lane (it lists it as as strong as 19 MiB with 2 passes, or 46 MiB with 1).

    Django's own choice (100 MiB, 2 passes, 8 lanes) makes every web worker that checks one password hold 100 MiB
    more at its peak, and asks for eight lanes on a machine that has two. The algorithm's name stays "argon2", so
    hashes made with other parameters still verify, and are made again with these at the next login.
    """

    time_cost = 5
    memory_cost = 7 * 1024  # KiB
    parallelism = 1
