"""Chains and memberships."""

from django.contrib import admin

from chain import services
from chain.models import (
    CHAIN_WRITABLE,
    MEMBERSHIP_WRITABLE,
    Chain,
    Membership,
)
from core.admin import ServiceAdmin

# --- chains and memberships -----------------------------------------------------------------


@admin.register(Chain)
class ChainAdmin(ServiceAdmin):
    list_display = ["name", "coordinator"]
    search_fields = ["name"]
    fields = CHAIN_WRITABLE

    def create_record(self, data, *, actor):
        return services.chain_create(data=data, actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.chain_update(chain=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.chain_delete(chain=record, actor=actor)


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    list_display = ["chain", "park", "role", "joined_on", "left_on", "agreement_number"]
    list_filter = ["chain", "role"]
    fields = MEMBERSHIP_WRITABLE

    def create_record(self, data, *, actor):
        return services.membership_create(data=data, actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.membership_update(membership=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.membership_delete(membership=record, actor=actor)


# --- partners -------------------------------------------------------------------------------
