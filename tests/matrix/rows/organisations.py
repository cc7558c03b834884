"""Matrix rows for the foundation's pages and API."""

from tests.matrix.harness import Row

ALL_OK = "200 200 200 200 200 200 200 200 200 200"
# Upload jobs are seen only by the person who uploaded the file ("own": the commissioner's).
JOB_OWN = "302 200 404 404 404 404 404 404 404 404"
JOB_OTHER = "302 404 404 404 404 404 404 404 404 404"


def populate(world):
    from organisations.models import ImportJob, User

    someone_else = User.objects.create_user(email="matrix-uploader@example.org", password=None)
    world.objects["import_job"] = {
        tenant: ImportJob.objects.create(
            kind="budgets",
            target=f"council:{world.councils[tenant].pk}",
            file_name="matrix.csv",
            data=b"x",
            sha256=tenant,
            requested_by=user,
            status="failed",
            errors=["line 2: budget_ref: is missing"],
        )
        for tenant, user in (("own", world.users["commissioner"]), ("other", someone_else))
    }


def _job(w, t):
    return w.objects["import_job"][t].pk


ROWS = [
    Row("home", ALL_OK, lambda w, t: "/"),
    Row("accessibility", ALL_OK, lambda w, t: "/accessibility/"),
    Row(
        "login",
        "200 302 302 302 302 302 302 302 302 302",
        lambda w, t: "/login/",
        note="(signed-in users are sent on)",
    ),
    Row(
        "two_factor",
        "302 302 302 302 302 302 302 302 302 302",
        lambda w, t: "/login/two-factor/",
        note="(already verified, or not staff)",
    ),
    Row("logout", "302 302 302 302 302 302 302 302 302 302", lambda w, t: "/logout/", method="post"),
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
    Row("api-me", "401 200 200 200 200 200 200 200 200 200", lambda w, t: "/api/me/"),
    Row("api-councils", "401 200 200 200 200 200 200 200 200 200", lambda w, t: "/api/councils/"),
    Row("providers:directory", ALL_OK, lambda w, t: "/providers/"),
    Row("imports:job", JOB_OWN, lambda w, t: f"/imports/{_job(w, t)}/", other=JOB_OTHER),
    Row(
        "imports:job-errors-csv", JOB_OWN, lambda w, t: f"/imports/{_job(w, t)}/problems.csv", other=JOB_OTHER
    ),
    Row("admin:index", "302 302 302 302 302 302 302 200 302 302", lambda w, t: "/admin/"),
]
