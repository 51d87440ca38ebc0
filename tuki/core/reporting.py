"""What an error report (Django's technical 500 page or the mail to ADMINS) may show of a request."""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter


class SecretsHidingFilter(SafeExceptionReporterFilter):
    """Django's filter, which hides settings and headers whose names say secret, plus the Authorization header
    (API tokens), whose name Django's own pattern does not catch."""

    hidden_settings = re.compile("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE", flags=re.IGNORECASE)
