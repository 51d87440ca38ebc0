from __future__ import annotations

from typing import Any

import pytest

from tuki.catalogue.models import ServiceDescription


def make_service(**fields: Any) -> ServiceDescription:
    values: dict[str, Any] = {
        "slug": "tukipalvelu",
        "order": 10,
        "published": True,
        "title_fi": "Tukipalvelu ja päivystys",
        "summary_fi": "Apua arkisin ja päivystys kriittisille vioille.",
        "body_fi": "## Päivystys\n\nKriittisiä vikoja korjataan ympäri vuorokauden.",
        "includes_fi": "- Tukipalvelu arkisin\n- Päivystys 24/7",
        "title_sv": "Supporttjänst och jour",
        "summary_sv": "Hjälp på vardagar och jour för kritiska fel.",
        "body_sv": "## Jour\n\nKritiska fel åtgärdas dygnet runt.",
        "includes_sv": "- Support på vardagar\n- Jour 24/7",
        "title_en": "Support service and on-call",
        "summary_en": "Help on weekdays and on-call for critical faults.",
        "body_en": "## On-call\n\nCritical faults are worked on around the clock.",
        "includes_en": "- Support on weekdays\n- On-call 24/7",
    }
    values |= fields
    service = ServiceDescription(**values)
    service.full_clean()
    service.save()
    return service


@pytest.fixture
def support_service(db: Any) -> ServiceDescription:
    return make_service()


@pytest.fixture
def maintenance_service(db: Any) -> ServiceDescription:
    return make_service(
        slug="yllapito",
        order=20,
        title_fi="Ylläpito ja ylläpitokiintiö",
        summary_fi="Ylläpitotyö kuuluu maksuun kiintiöön asti.",
        title_sv="Underhåll och underhållskvot",
        summary_sv="Underhållsarbete ingår upp till kvoten.",
        title_en="Maintenance and the maintenance quota",
        summary_en="Maintenance work is included up to the quota.",
    )


@pytest.fixture
def draft_service(db: Any) -> ServiceDescription:
    return make_service(
        slug="luonnos",
        order=5,
        published=False,
        title_fi="Salainen luonnos",
        title_sv="Hemligt utkast",
        title_en="Secret draft",
    )
