"""Every app's API under /api/. Each app keeps its own paths in its api.py."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("organisations.api")),
    path("", include("budgets.api")),
    path("", include("providers.api")),
    path("", include("providers.ledger.api")),
    path("", include("surveys.api")),
    path("", include("monitoring.api")),
]
