from django.contrib import admin
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .models import Council, Membership, Provider, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "user_permissions", "groups"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["gss_code", "name"]
    search_fields = ["gss_code", "name"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["provider_ref", "name"]
    search_fields = ["provider_ref", "name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """For platform administrators: appoint a new council's first council administrator (who then
    runs the council's own staff on its settings pages). Every change is in the audit trail."""

    list_display = ["user", "role", "council", "provider", "approval_limit"]
    list_filter = ["role"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            instance=obj,
            event="role changed in the admin" if change else "role granted in the admin",
            action=audit.UPDATE if change else audit.CREATE,
            changes={
                field: (form.initial.get(field), form.cleaned_data.get(field)) for field in form.changed_data
            },
        )

    def delete_model(self, request, obj):
        audit.record(
            actor=request.user,
            instance=obj,
            event="role removed in the admin",
            action=audit.DELETE,
            changes={"role": (obj.role, None)},
        )
        super().delete_model(request, obj)

    def get_actions(self, request):
        # Delete one at a time: the bulk action would skip the audit trail.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


# Sign-in devices: a platform administrator may look at them and remove a lost one (the person then
# sets up a new one, which needs the code emailed to them), but never add or change one here: adding
# an authenticator for someone would skip that check and the email telling them.
class ReadOnlyDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    search_fields = ["user__email"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for _model in (TOTPDevice, EmailDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, ReadOnlyDeviceAdmin)
