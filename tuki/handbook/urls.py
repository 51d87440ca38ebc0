"""The handbook in the portal, under /portal/handbook/."""

from django.urls import path

from tuki.handbook import views

app_name = "handbook"

urlpatterns = [
    path("", views.index, name="index"),
    # Before the article pattern: "suggest" is reserved and never an article's slug.
    path("suggest/", views.suggest, name="suggest"),
    path("<slug:slug>/", views.article, name="article"),
]
