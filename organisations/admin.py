from django.contrib import admin
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    list_display = ["user", "role", "council", "provider", "approval_limit"]
    list_filter = ["role"]


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
