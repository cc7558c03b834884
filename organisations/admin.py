from django.contrib import admin

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
