"""The desk's navigation, built in Python.

Every desk page shows it: in the template language it was eleven ``{% url %}`` tags, as many comparisons with the
current page and a dozen translations, about half a millisecond a page. Here the links are reversed once per
process and the markup is joined from a table. Every value is escaped, as in :mod:`tuki.desk.queue_table`.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, ngettext

from tuki.mail.selectors import unverified_count

register = template.Library()

# (the link's view, its text, the views of the pages it marks as current, for managers only)
_LINKS: list[tuple[str, Any, frozenset[str], bool]] = [
    ("desk:home", gettext_lazy("Queues"), frozenset({"home"}), False),
    ("desk:phone", gettext_lazy("Log a call"), frozenset({"phone"}), False),
    ("desk:customers", gettext_lazy("Customers"), frozenset({"customers"}), False),
    ("desk:quota", gettext_lazy("Quotas"), frozenset({"quota"}), False),
    ("desk:reports", gettext_lazy("Reports"), frozenset({"reports", "report"}), False),
    ("desk:mail", gettext_lazy("Mail"), frozenset({"mail", "mail_message"}), False),
    ("desk:mail_quarantine", gettext_lazy("Quarantine"), frozenset({"mail_quarantine"}), False),
    ("desk_handbook:list", gettext_lazy("Handbook"), frozenset(), False),  # current anywhere in the handbook
    # API tokens and, for managers, the webhooks are reached from the preferences: the menu keeps to one line.
    (
        "desk:preferences",
        gettext_lazy("Preferences"),
        frozenset({"preferences", "api_tokens", "webhooks", "webhook"}),
        False,
    ),
    ("desk:audit", gettext_lazy("Audit log"), frozenset({"audit"}), True),
    ("admin:index", gettext_lazy("Administration"), frozenset(), True),
]
_CURRENT = ' aria-current="page"'


@lru_cache(maxsize=64)
def _address(prefix: str, view: str) -> str:
    """A link's escaped address; ``prefix`` (where the site is mounted) is part of the key, as of the address."""
    return escape(reverse(view))


def _text(value: Any) -> str:
    return escape(formats.localize(value))


@register.simple_tag(takes_context=True)
def desk_nav(context: Any) -> SafeString:
    """The ``<li>`` elements of the desk's main navigation, the current page's link marked."""
    request = context["request"]
    user = context.get("user")
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", None)
    in_handbook = getattr(match, "namespace", None) == "desk_handbook"
    manager = bool(getattr(user, "is_manager", False))
    prefix = get_script_prefix()
    items = []
    for view, label, current_on, managers_only in _LINKS:
        if managers_only and not manager:
            continue
        current = name in current_on or (view == "desk_handbook:list" and in_handbook)
        text = escape(str(label))
        if view == "desk:mail_quarantine":
            held = unverified_count() if getattr(user, "is_supplier_staff", False) else 0
            waiting = ngettext("%(counter)s message waiting", "%(counter)s messages waiting", held) % {
                "counter": formats.localize(held)
            }
            text += f' <span class="count" aria-label="{escape(waiting)}">{_text(held)}</span>'
        items.append(f'<li><a href="{_address(prefix, view)}"{_CURRENT if current else ""}>{text}</a></li>')
    return mark_safe("".join(items))  # noqa: S308 - every value is escaped just above
