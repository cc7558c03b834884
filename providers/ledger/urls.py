"""Held-account pages (Individual Service Funds and managed direct payments), under /isf/."""

from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.your_isf, name="your-isf"),
    path("managed/", views.your_managed_dp, name="your-managed-dp"),
    path("provider/", views.provider_ledgers, name="provider-ledgers"),
    path("provider/upload/", views.upload, name="upload"),
    path("council/", views.commissioner_isfs, name="commissioner-isfs"),
    path("<int:pk>/", views.ledger, name="ledger"),
    path("<int:pk>/entries/new/", views.add_entry, name="add-entry"),
    path("<int:pk>/entries/<int:entry_pk>/reverse/", views.reverse_entry, name="reverse"),
    path("<int:pk>/refund/", views.refund, name="refund"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/move/cancel/", views.cancel_move, name="cancel-move"),
    path("<int:pk>/statement/", views.statement, name="statement"),
    path("<int:pk>/statement.pdf", views.statement_pdf_view, name="statement-pdf"),
]
