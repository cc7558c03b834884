"""Sign-in, two-factor sign-in and the pages every visitor sees."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import throttle, two_factor
from .forms import EmailCodeForm, NewPasswordForm, PasswordResetRequestForm, SecurityCodeForm, SignInForm
from .landing import landing_panels
from .selectors import roles_of
from .signin import client_ip


def home(request: HttpRequest) -> HttpResponse:
    """For someone signed in: what waits for them (their budget, requests, approvals, returns)."""
    return render(
        request,
        "organisations/home.html",
        {"roles": roles_of(user=request.user), "panels": landing_panels(user=request.user)},
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/accessibility.html")


class SignInView(auth_views.LoginView):
    template_name = "organisations/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_in = SignInView.as_view()
sign_out = auth_views.LogoutView.as_view()


# Setting or resetting a password by email: how a representative added by a commissioner, or anyone who
# forgot their password, signs in. Django's own views, with our forms and pages; the page says the same
# thing whether or not the address has an account, so it reveals nothing.
class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view with a limit per client (address): one person cannot make the service send
    a flood of emails. The form limits emails per address asked for (PasswordResetRequestForm)."""

    def post(self, request, *args, **kwargs):
        if not throttle.allow(name="password-reset-per-client", key=client_ip(request) or "unknown"):
            minutes = max(1, throttle.seconds_left("password-reset-per-client") // 60)
            response = render(
                request, "organisations/too_many_requests.html", {"minutes": minutes}, status=429
            )
            response["Retry-After"] = str(minutes * 60)
            return response
        return super().post(request, *args, **kwargs)


password_reset = PasswordResetView.as_view(
    template_name="organisations/password_reset.html",
    email_template_name="organisations/password_reset_email.txt",
    subject_template_name="organisations/password_reset_subject.txt",
    form_class=PasswordResetRequestForm,
)
password_reset_sent = auth_views.PasswordResetDoneView.as_view(
    template_name="organisations/password_reset_sent.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="organisations/password_reset_confirm.html", form_class=NewPasswordForm
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="organisations/password_reset_complete.html"
)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or settings.LOGIN_REDIRECT_URL
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@never_cache
@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Ask staff for a code from their authenticator app. On first sign-in, set one up: first the code
    emailed to the address on record, then the app."""
    user = request.user
    if user.is_verified() or not two_factor.required_for(user):
        return redirect(_safe_next(request))
    if two_factor.confirmed_device(user) is None and not two_factor.email_proved(request):
        return _two_factor_email_step(request)
    device = two_factor.confirmed_device(user)
    setting_up = device is None
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, code=form.cleaned_data["code"]):
            if setting_up:
                messages.success(
                    request, "Two-factor sign-in is set up. You will be asked for a code each time."
                )
            return redirect(_safe_next(request))
        form.add_error("code", "That code is not right or has run out. Enter the code shown now.")
    context = {"form": form, "setting_up": setting_up, "next": _safe_next(request)}
    if setting_up:
        pending = two_factor.pending_device(user)
        context["qr_svg"] = two_factor.qr_code_svg(pending)
        context["secret"] = two_factor.secret_for_display(pending)
    return render(request, "organisations/two_factor.html", context)


def _two_factor_email_step(request: HttpRequest) -> HttpResponse:
    """Prove the email address on record before an authenticator can be added."""
    user = request.user
    form = EmailCodeForm(request.POST or None)
    sent_again = None
    if request.method == "POST" and "send_again" in request.POST:
        form = EmailCodeForm()
        sent_again = two_factor.send_set_up_code(user, again=True)
    elif request.method == "POST":
        if form.is_valid():
            if two_factor.prove_email(request, code=form.cleaned_data["code"]):
                return redirect(f"{reverse('two_factor')}?next={_safe_next(request)}")
            form.add_error("code", "That code is not right or has run out. Check the latest email we sent.")
    else:
        two_factor.send_set_up_code(user)
    context = {
        "form": form,
        "next": _safe_next(request),
        "email": user.email,
        "minutes": two_factor.code_minutes(),
        "sent_again": sent_again,
    }
    return render(request, "organisations/two_factor_email.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Is the database there, and the broker? 200 when both are, 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        checks["database"] = f"error: {type(exc).__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {type(exc).__name__}"
    else:
        checks["redis"] = "not configured: tasks run in-process"
    healthy = checks["database"] == "ok" and not checks["redis"].startswith("error")
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _error_page(template: str, status: int):
    def view(request, exception=None):
        return render(request, template, status=status)

    return view


bad_request = _error_page("400.html", 400)
permission_denied = _error_page("403.html", 403)
page_not_found = _error_page("404.html", 404)


def server_error(request):
    # No context processors that might fail again; no traceback, ever.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
