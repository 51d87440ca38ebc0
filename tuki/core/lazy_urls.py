"""URL patterns whose module is imported by the first request or link that needs it, not at start-up.

``include()`` imports its module at once, and Django fills the reverse table of every included resolver when the
first link of any page is made. A :class:`LazyResolver` leaves its module alone until a path under its prefix is
resolved or one of its own names is reversed: a worker that never serves those paths never loads what they need.
"""

from __future__ import annotations

from django.urls import URLResolver
from django.urls.resolvers import RoutePattern


class LazyResolver(URLResolver):
    def _populate(self) -> None:
        # The parent's reverse table only needs the namespace of a resolver with an app name, which it has
        # without the module; the resolver's own table is filled when its names are reversed (the module is
        # imported by then, as ``url_patterns`` is read first).
        if "urlconf_module" in self.__dict__:
            super()._populate()


def lazy_include(route: str, module: str, *, app_name: str, namespace: str) -> LazyResolver:
    """Like ``path(route, include((module, app_name), namespace))``, with the module imported on first use."""
    return LazyResolver(RoutePattern(route), module, app_name=app_name, namespace=namespace)
