"""The API's URL patterns, imported on the first request that reaches ``/api/v1/`` (see ``tuki.urls``)."""

from tuki.api.main import api

# django-ninja gives (patterns, app name, namespace); the resolver in tuki.urls carries the names.
urlpatterns = api.urls[0]
