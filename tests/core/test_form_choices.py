"""Every list a form offers starts with words, not Django's "---------"."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.utils import translation

import tuki

DASHES = "---------"


def tuki_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(tuki.__path__, "tuki."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type[Any]] = [forms.BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("tuki.") and not subclass.__module__.endswith(".admin"):
                found.append(subclass)
    return found


@pytest.mark.parametrize("form_class", tuki_forms(), ids=lambda form: f"{form.__module__}.{form.__qualname__}")
def test_no_choice_reads_as_dashes(form_class: type[forms.BaseForm], db: Any) -> None:
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
            assert field.empty_label is None or str(field.empty_label) != DASHES, name
        elif isinstance(field, forms.ChoiceField):
            assert all(str(label) != DASHES for _, label in field.choices), name


def test_the_forms_are_found() -> None:
    names = {form.__name__ for form in tuki_forms()}
    assert {"NewRequestForm", "PhoneRequestForm", "UpdateForm", "CallForm"} <= names


def test_the_new_request_form_names_its_empty_choices(client: Client, anna: Any, agreement_a: Any) -> None:
    client.force_login(anna)
    page = client.get("/portal/requests/new/").content.decode()
    assert DASHES not in page
    assert "Ei koske tiettyä ympäristöä" in page


def test_the_export_is_named_in_the_users_language(client: Client, anna: Any, agreement_a: Any) -> None:
    client.force_login(anna)
    for language, name in (("fi", "tukipyynnot"), ("sv", "supportarenden"), ("en", "support-requests")):
        anna.language = language
        anna.save(update_fields=["language"])
        with translation.override(language):
            response = client.get("/portal/requests/export.csv")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith(f'attachment; filename="{name}-20')
