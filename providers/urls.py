from django.urls import path

from . import agreement_views, block_views, views

app_name = "providers"

urlpatterns = [
    # The public directory.
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.provider_detail, name="provider-detail"),
    path("compare/", views.compare, name="compare"),
    # Choosing: the person or their representative.
    path("<int:pk>/shortlist/", views.shortlist, name="shortlist"),
    path("<int:pk>/ask/", views.ask, name="ask"),
    path("your-choices/", views.your_choices, name="your-choices"),
    path("choices/<int:pk>/withdraw/", views.choice_withdraw, name="choice-withdraw"),
    # The provider's own pages.
    path("organisation/", views.provider_home, name="provider-home"),
    path("organisation/profile/", views.profile_edit, name="profile-edit"),
    path("organisation/requests/", views.provider_requests, name="provider-requests"),
    path("requests/<int:pk>/", views.request_decide, name="request-decide"),
    # The commissioner.
    path("choices/", views.commissioner_choices, name="commissioner-choices"),
    path("choices/<int:pk>/agreement/", agreement_views.agreement_new, name="agreement-new"),
    path("people/<int:pk>/record-choice/", views.choice_record, name="choice-record"),
    # Block contracts and their conversion into Individual Service Funds (issue 17).
    path("blocks/", block_views.block_list, name="blocks"),
    path("blocks/new/", block_views.block_create, name="block-create"),
    path("blocks/<int:pk>/", block_views.block_detail, name="block"),
    path("blocks/<int:pk>/convert/", block_views.block_convert, name="block-convert"),
    # Flexible agreements.
    path("agreements/", agreement_views.agreements, name="agreements"),
    path("agreements/<int:pk>/", agreement_views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", agreement_views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/accept/", agreement_views.agreement_accept, name="agreement-accept"),
    path("agreements/<int:pk>/decline/", agreement_views.agreement_decline, name="agreement-decline"),
    path("agreements/<int:pk>/withdraw/", agreement_views.agreement_withdraw, name="agreement-withdraw"),
    path("agreements/<int:pk>/notice/", agreement_views.agreement_notice, name="agreement-notice"),
]
