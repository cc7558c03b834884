"""A council's settings pages (for its council administrators), under /council/."""

from django.urls import path

from . import settings_views as views

app_name = "council"

urlpatterns = [
    path("settings/", views.settings_home, name="settings-home"),
    path("<str:code>/settings/", views.settings_overview, name="settings"),
    path("<str:code>/settings/staff/", views.staff_list, name="staff"),
    path("<str:code>/settings/staff/add/", views.staff_add, name="staff-add"),
    path("<str:code>/settings/staff/<int:pk>/", views.staff_member, name="staff-member"),
]
