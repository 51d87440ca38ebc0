"""The handbook on the desk, under /desk/handbook/."""

from django.urls import path

from tuki.handbook import desk_views

app_name = "desk_handbook"

urlpatterns = [
    path("", desk_views.article_list, name="list"),
    path("new/", desk_views.article_create, name="create"),
    path("<int:pk>/", desk_views.article_detail, name="detail"),
    path("<int:pk>/edit/", desk_views.article_edit, name="edit"),
    path("link-to/<str:identifier>/", desk_views.article_pick, name="pick"),
]
