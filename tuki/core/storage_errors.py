"""What a file storage raises when it cannot be reached or written, whichever storage is configured.

The local disk raises ``OSError`` (full, read-only, gone); S3 through boto raises botocore's own errors, which are
not ``OSError``. botocore is imported only where object storage is configured (tuki.core.footprint keeps it out
of the rest), so its classes are looked up only when it is already loaded.
"""

from __future__ import annotations

import sys

from django.core.exceptions import ValidationError


class StorageUnavailable(ValidationError):
    """A file could not be stored; the write it belonged to is rolled back, and the user can simply try again."""


def storage_failures() -> tuple[type[BaseException], ...]:
    failures: tuple[type[BaseException], ...] = (OSError,)
    botocore = sys.modules.get("botocore.exceptions")
    if botocore is not None:
        failures += (botocore.BotoCoreError, botocore.ClientError)
    return failures
