from django.urls import path

from . import block_compare, trend_views, upload_views, views

app_name = "monitoring"

urlpatterns = [
    path("", views.returns, name="returns"),
    path("request/", views.request_return, name="request"),
    path("population/upload/", upload_views.population_upload, name="population-upload"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("returns/<int:pk>/download/<str:kind>/", views.download, name="download"),
    path("returns/<int:pk>/publish/", views.publish, name="publish"),
    path("budget-trend/", trend_views.budget_trend_page, name="budget-trend"),
    path("blocks/<int:pk>/", block_compare.block_compare, name="block-compare"),
]
