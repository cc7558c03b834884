"""A council's resource allocation settings pages, under /council/<code>/settings/allocation/."""

from django.urls import path

from . import settings_views as views

app_name = "allocation"

urlpatterns = [
    path("<str:code>/settings/allocation/", views.overview, name="overview"),
    path("<str:code>/settings/allocation/price/", views.price, name="price"),
    path("<str:code>/settings/allocation/questions/add/", views.question, name="question-add"),
    path("<str:code>/settings/allocation/questions/<int:pk>/", views.question, name="question"),
    path("<str:code>/settings/allocation/adjustments/add/", views.adjustment, name="adjustment-add"),
    path("<str:code>/settings/allocation/adjustments/<int:pk>/", views.adjustment, name="adjustment"),
]
