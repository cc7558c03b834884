"""A council's local contacts for the information pages, under /council/<code>/settings/."""

from django.urls import path

from . import views

app_name = "local_contacts"

urlpatterns = [
    path("<str:code>/settings/local-contacts/", views.local_contacts, name="list"),
    path("<str:code>/settings/local-contacts/<int:pk>/remove/", views.local_contact_remove, name="remove"),
]
