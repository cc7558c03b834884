"""Oversight pages. Included at the site root, so every path has its own prefix."""

from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("oversight/", views.home, name="home"),
    path("oversight/run/", views.run, name="run"),
    path("oversight/report/", views.report, name="report"),
    path("oversight/report.csv", views.report_csv, name="report-csv"),
    path("oversight/checks/<int:pk>/", views.check_view, name="check"),
    path("oversight/checks/<int:pk>/conversation/", views.conversation, name="conversation"),
    path("oversight/checks/<int:pk>/decide/", views.decide, name="decide"),
    path("oversight/arrangements/<int:pk>/concern/", views.concern, name="concern"),
    path("oversight/statements/<int:pk>/", views.statement, name="statement"),
    path("council/<str:code>/settings/direct-payment-checks/", views.settings_view, name="settings"),
    path("your-budget/checks/<int:pk>/", views.family_check, name="family-check"),
    path("your-budget/checks/<int:pk>/ask-again/", views.family_ask_again, name="family-ask-again"),
    path("your-budget/statements/<int:pk>/", views.family_statement, name="family-statement"),
]
