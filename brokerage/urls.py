"""Brokerage pages, under /brokerage/."""

from django.urls import path

from . import views

app_name = "brokerage"

urlpatterns = [
    # Anyone, signed in or not (self-funders included).
    path("", views.directory, name="directory"),
    path("<int:pk>/ask-for-help/", views.enquire, name="enquire"),
    # The person or their family.
    path("your-help/", views.family, name="family"),
    path("your-help/invite/", views.invite, name="invite"),
    path("invitations/<int:pk>/end/", views.invitation_end, name="invitation-end"),
    path("asks/<int:pk>/send/", views.ask_confirm, name="ask-confirm"),
    path("asks/<int:pk>/do-not-send/", views.ask_not_sent, name="ask-not-sent"),
    # The broker.
    path("people/", views.broker_home, name="home"),
    path("people/<int:pk>/", views.broker_person, name="person"),
    path("people/<int:pk>/shortlist/", views.broker_shortlist, name="shortlist"),
    path("people/<int:pk>/ask/<int:provider_pk>/", views.broker_ask, name="ask"),
    # The commissioner, with the family's agreement.
    path("people/<int:pk>/invite/", views.commissioner_invite, name="commissioner-invite"),
]
