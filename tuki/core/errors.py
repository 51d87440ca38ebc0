"""What a service raises when the domain says no.

A refusal carries a message for the user, in their language, and the faces show it. Field errors are Django's
``ValidationError`` and missing rights ``PermissionDenied``; faces catch those three and nothing broader, so
that a bug (a ``ValueError``, a ``KeyError``) fails loudly as a logged server error instead of posing as a "no".
"""

from __future__ import annotations


class Refusal(Exception):
    """The rules do not allow what was asked; ``str(refusal)`` is the reason, written for the user."""
