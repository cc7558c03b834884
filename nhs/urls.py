from django.urls import path

from . import capacity_views, funding_views, tracker_views

app_name = "nhs"

urlpatterns = [
    path("budgets/<int:pk>/funding/", funding_views.budget_funding, name="funding"),
    path("funding/", funding_views.shares_list, name="shares"),
    path("funding/<int:pk>/", funding_views.share_detail, name="share"),
    path("funding/<int:pk>/approve/", funding_views.share_approve, name="share-approve"),
    path("funding/<int:pk>/send-back/", funding_views.share_send_back, name="share-send-back"),
    path("partnerships/", tracker_views.partnerships, name="partnerships"),
    path("partnerships/<slug:code>/", tracker_views.tracker, name="tracker"),
    path("partnerships/<slug:code>/add/", tracker_views.line_add, name="line-add"),
    path("partnerships/<slug:code>/people/<int:pk>/", tracker_views.line, name="line"),
    path("partnerships/<slug:code>/people/<int:pk>/home/", tracker_views.line_home, name="line-home"),
    path("partnerships/<slug:code>/capacity/", capacity_views.partnership_capacity, name="capacity"),
    path("partnerships/<slug:code>/invite/", capacity_views.partnership_invite, name="invite"),
    path("provider/coming-home/", tracker_views.provider_lines, name="provider-lines"),
    path("provider/capacity/", capacity_views.provider_capacity, name="provider-capacity"),
    path("report/", capacity_views.report, name="report"),
    path("coming-home/", tracker_views.coming_home, name="coming-home"),
]
