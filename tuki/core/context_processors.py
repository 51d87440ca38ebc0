from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """The supplier's name and contact details, shown in every page's header and footer."""
    return {
        "supplier_name": settings.TUKI_SUPPLIER_NAME,
        "support_email": settings.TUKI_SUPPORT_EMAIL,
        "support_phone": settings.TUKI_SUPPORT_PHONE,
    }
