from django.contrib import admin
from django.urls import include, path

from organisations import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("accessibility/", org_views.accessibility, name="accessibility"),
    path("login/", org_views.sign_in, name="login"),
    path("login/two-factor/", org_views.two_factor_view, name="two_factor"),
    path("logout/", org_views.sign_out, name="logout"),
    path("password-reset/", org_views.password_reset, name="password_reset"),
    path("password-reset/sent/", org_views.password_reset_sent, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", org_views.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/done/", org_views.password_reset_complete, name="password_reset_complete"),
    path("healthz", org_views.healthz, name="healthz"),
    path("api/", include("config.api_urls")),
    path("imports/", include("organisations.job_urls")),
    path("admin/", admin.site.urls),
    # A council's own settings pages, for its council administrators (not the Django admin).
    path("council/", include("organisations.urls")),
    path("council/", include("budgets.settings_urls")),
    path("", include("budgets.urls")),
    path("", include("oversight.urls")),
    path("providers/", include("providers.urls")),
    path("isf/", include("providers.ledger.urls")),
    path("brokerage/", include("brokerage.urls")),
    path("advice/", include("advice.urls")),
    path("council/", include("advice.settings_urls")),
    path("monitoring/", include("monitoring.urls")),
    path("surveys/", include("surveys.urls")),
    path("nhs/", include("nhs.urls")),
]

handler400 = "organisations.views.bad_request"
handler403 = "organisations.views.permission_denied"
handler404 = "organisations.views.page_not_found"
handler500 = "organisations.views.server_error"
