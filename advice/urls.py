"""Advice pages, under /advice/. Open to everyone, signed in or not."""

from django.urls import path

from . import views

app_name = "advice"

urlpatterns = [
    path("", views.index, name="index"),
    path("ways-to-hold-your-budget/", views.ways_to_hold_view, name="ways-to-hold"),
    path("ways-to-hold-your-budget/easy-read/", views.ways_to_hold_easy_read, name="ways-to-hold-easy-read"),
    path("questions-to-ask-a-provider/", views.questions_to_ask, name="checklist"),
    path("<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/easy-read/", views.easy_read, name="easy-read"),
]
