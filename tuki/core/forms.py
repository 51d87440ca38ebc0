"""Form pieces both faces use: several files in one field, and forms that do one thing through one service."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from tuki.core.durations import format_minutes, parse_minutes
from tuki.core.errors import Refusal

# The first, empty entry of a list one must choose from (Django's default is "---------").
CHOOSE = gettext_lazy("Choose…")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


DURATION_HELP = gettext_lazy("For example 4 h, 1 h 30 min, 90 min, 1:30 or 2 d. A day (d) is 24 hours.")


class MinutesInput(forms.TextInput):
    """A duration stored as whole minutes, shown as people write it ("40 h", "1 h 30 min")."""

    def format_value(self, value: Any) -> str | None:
        # Only a stored number is shown as a duration: text the user typed comes back as typed, so that a
        # mistake can be corrected where it was made.
        if isinstance(value, int) and not isinstance(value, bool):
            return format_minutes(value)
        return super().format_value(value)


class MinutesField(forms.Field):
    """A duration typed as "40 h", "2 d", "1 h 30 min", "90 min" or "1:30" (also "40 t", "2 pv", "1 tim 30 min"),
    cleaned to whole minutes. A day is 24 hours; see :mod:`tuki.core.durations`."""

    widget = MinutesInput
    default_error_messages = {"required": gettext_lazy("Enter a duration, for example 4 h or 90 min.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DURATION_HELP)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        return parse_minutes(str(value))


def refusal_text(error: Exception) -> str:
    """A service's refusal as one line for the user."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def add_refusal(form: forms.Form, error: Exception, renamed: Mapping[str, str] | None = None) -> None:
    """Show a service's refusal on ``form``: field errors on the form's fields of that name (``renamed`` maps the
    service's names to the form's), everything else above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            field = (renamed or {}).get(field, field)
            form.add_error(field if field in form.fields else None, problems)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, str(error))


class ActionForm(forms.Form):
    """A button's form: it checks what was posted, and :meth:`act` makes the one service call it stands for."""

    def act(self) -> str:
        """Do it with ``cleaned_data``; return what to tell the user, or "" for nothing."""
        raise NotImplementedError


def perform(request: HttpRequest, form: ActionForm) -> None:
    """Check ``form`` and act on it, telling the user what was done or why not.

    Only the answers meant for the user are caught. Anything else is a bug and must fail as a server error that
    is logged, not pass for a refusal.
    """
    if not form.is_valid():
        for problems in form.errors.values():
            for text in problems:
                messages.error(request, str(text))
        return
    try:
        done = form.act()
    except (Refusal, PermissionDenied) as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        if done:
            messages.success(request, done)


class _ChoicesOnDemand:
    """A model choice field whose queryset is made when first needed: to check a posted value, or to show the
    choices. A form reads every list through the asker's scope, and a submission that leaves a field empty
    needs none of it (building the new-request form's three lists was a fifth of filing a request)."""

    _make: Callable[[], QuerySet[Any]] | None = None
    _queryset: QuerySet[Any] | None
    widget: forms.Widget
    choices: Any

    def offer(self, make: Callable[[], QuerySet[Any]]) -> None:
        """Choose from ``make()``, called once, when the choices are first needed."""
        self._make = make
        self._queryset = None
        # A callable: the widget asks for the choices only when it is drawn.
        self.widget.choices = lambda: self.choices  # type: ignore[attr-defined]

    @property
    def queryset(self) -> QuerySet[Any] | None:
        if self._make is not None:
            make, self._make = self._make, None
            self._queryset = make()
        return self._queryset

    @queryset.setter
    def queryset(self, queryset: QuerySet[Any] | None) -> None:
        self._make = None
        self._queryset = None if queryset is None else queryset.all()
        self.widget.choices = self.choices  # type: ignore[attr-defined]


class OnDemandModelChoiceField(_ChoicesOnDemand, forms.ModelChoiceField):  # type: ignore[type-arg]
    pass


class OnDemandModelMultipleChoiceField(_ChoicesOnDemand, forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def clean(self, value: Any) -> Any:
        if not value and not self.required:
            return []  # nothing chosen: no list to read
        return super().clean(value)
