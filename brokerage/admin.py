"""For platform administrators: what each brokerage costs and which councils pay for it. Invitations,
asks and enquiries are read-only here (the family and the broker change them on their own pages)."""

from django.contrib import admin

from .models import BrokerageOffer, DraftAsk, Enquiry, Invitation


@admin.register(BrokerageOffer)
class BrokerageOfferAdmin(admin.ModelAdmin):
    list_display = ["provider", "hourly_rate", "helps_self_funders"]
    filter_horizontal = ["funded_by"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnly):
    list_display = ["person", "brokerage", "invited_as", "until", "created_at", "ended_at"]


@admin.register(DraftAsk)
class DraftAskAdmin(ReadOnly):
    list_display = ["person", "provider", "status", "created_at"]


@admin.register(Enquiry)
class EnquiryAdmin(ReadOnly):
    list_display = ["brokerage", "created_at", "pays_own_way"]
