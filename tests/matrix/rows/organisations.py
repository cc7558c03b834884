"""Matrix rows for the foundation's pages and API."""

from tests.matrix.harness import Row

ALL_OK = "200 200 200 200 200 200 200 200 200"

ROWS = [
    Row("home", ALL_OK, lambda w, t: "/"),
    Row("accessibility", ALL_OK, lambda w, t: "/accessibility/"),
    Row(
        "login",
        "200 302 302 302 302 302 302 302 302",
        lambda w, t: "/login/",
        note="(signed-in users are sent on)",
    ),
    Row(
        "two_factor",
        "302 302 302 302 302 302 302 302 302",
        lambda w, t: "/login/two-factor/",
        note="(already verified, or not staff)",
    ),
    Row("logout", "302 302 302 302 302 302 302 302 302", lambda w, t: "/logout/", method="post"),
    Row("password_reset", ALL_OK, lambda w, t: "/password-reset/"),
    Row("password_reset_done", ALL_OK, lambda w, t: "/password-reset/sent/"),
    Row(
        "password_reset_confirm",
        ALL_OK,
        lambda w, t: "/password-reset/MQ/not-a-token/",
        note="(a broken link explains itself)",
    ),
    Row("password_reset_complete", ALL_OK, lambda w, t: "/password-reset/done/"),
    Row("healthz", ALL_OK, lambda w, t: "/healthz"),
    Row("schema", ALL_OK, lambda w, t: "/api/schema/"),
    Row("api-docs", ALL_OK, lambda w, t: "/api/docs/"),
    Row("api-me", "401 200 200 200 200 200 200 200 200", lambda w, t: "/api/me/"),
    Row("api-councils", "401 200 200 200 200 200 200 200 200", lambda w, t: "/api/councils/"),
    Row("providers:directory", ALL_OK, lambda w, t: "/providers/"),
    Row("admin:index", "302 302 302 302 302 302 302 200 302", lambda w, t: "/admin/"),
]
