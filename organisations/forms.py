from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from .fields import MoneyField
from .signin import normalise_email


class SignInForm(AuthenticationForm):
    """Email and password. The field is called `username` because django-axes and Django's
    authentication backends look for that name; people see it as 'Email address'."""

    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both may be case-sensitive.",
        "inactive": "This account is not active. Ask the person who set it up.",
    }

    def clean_username(self) -> str:
        # The same normalisation django-axes counts failures by (organisations/signin.py).
        return normalise_email(self.cleaned_data["username"])


def six_digit_code_field(*, label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
                "spellcheck": "false",
            }
        ),
    )


class SecurityCodeForm(forms.Form):
    code = six_digit_code_field(
        label="Security code", help_text="The 6-digit code shown in your authenticator app."
    )
    invalid_code = "Enter the 6-digit security code from your authenticator app."

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(self.invalid_code)
        return code


class EmailCodeForm(SecurityCodeForm):
    """The one-time code emailed before an authenticator app can be set up."""

    code = six_digit_code_field(
        label="Code from the email", help_text="The 6-digit code in the email we sent you."
    )
    invalid_code = "Enter the 6-digit code from the email we sent you."


class PasswordResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        help_text="We will send a link to set a new password if this address has an account.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def get_users(self, email):
        # Accounts made for representatives have no usable password yet; they may set one too.
        from . import throttle
        from .models import User

        # A few emails an hour to one address, however often it is asked for; the page says the same
        # either way, so it reveals nothing.
        if not throttle.allow(name="password-reset-per-address", key=normalise_email(email)):
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)


class NewPasswordForm(SetPasswordForm):
    new_password1 = forms.CharField(
        label="New password",
        help_text="At least 12 characters. Avoid common words and your name.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="Type the new password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


# ---- council settings: staff and roles ------------------------------------------------------------


def _council_role_choices():
    from .models import Role

    return [
        (Role.COMMISSIONER.value, "Commissioner (social worker or care manager): people, plans and budgets"),
        (Role.APPROVER.value, "Approver (team manager or panel): approves budgets up to their limit"),
        (Role.MONITORING_OFFICER.value, "Monitoring officer: monitoring returns and survey results"),
        (Role.COUNCIL_ADMIN.value, "Council administrator: these settings pages"),
    ]


class StaffAddForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Their work email. They set their password from the sign-in page.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    role = forms.ChoiceField(label="Role", choices=_council_role_choices, widget=forms.RadioSelect)
    approval_limit = MoneyField(
        label="Approval limit (optional)",
        required=False,
        help_text="Approvers only: the largest annual budget they may approve, in pounds.",
    )


class ApprovalLimitForm(forms.Form):
    approval_limit = MoneyField(
        label="Approval limit", help_text="The largest annual budget they may approve, in pounds."
    )
