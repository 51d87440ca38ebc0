from functools import lru_cache
from html import escape

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from tuki.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text or "")


@lru_cache(maxsize=16)
def _language_options(current: str) -> SafeString:
    options = (
        f'<option value="{escape(code)}" lang="{escape(code)}"{" selected" if code == current else ""}>'
        f"{escape(str(name))}</option>"
        for code, name in settings.LANGUAGES
    )
    return mark_safe("".join(options))  # noqa: S308 - every value is escaped just above


@register.simple_tag
def language_options() -> SafeString:
    """The language switcher's ``<option>`` elements, named in the page's language, the page's own selected.

    The same for every page in a language, so each process builds them once per language: in the template
    language every page looped over the languages, activating each in turn, for the same three options.
    """
    return _language_options(translation.get_language() or "")
