"""System checks: refuse to start in a shape that would leak or lose something."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def email_is_configured(app_configs, **kwargs):
    """Without EMAIL_URL, email goes to the console: password-reset links and sign-in codes would be
    written to the server log, where anyone who reads the log could use them."""
    if settings.DEBUG or settings.EMAIL_CONFIGURED:
        return []
    return [
        Error(
            "EMAIL_URL is not set, so password-reset links and sign-in codes would be written to the log.",
            hint="Set EMAIL_URL in the environment, like smtp+tls://user:password@mail.example.org:587.",
            id="organisations.E001",
        )
    ]
