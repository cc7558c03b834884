"""Writes for advice: a council's local contacts (audited)."""

from django.db import transaction

from organisations import audit

from .models import LocalContact


def contact_add(*, council, actor, **values) -> LocalContact:
    with transaction.atomic():
        contact = LocalContact.objects.create(council=council, added_by=actor, **values)
        audit.record(actor=actor, instance=contact, event="local contact added", action=audit.CREATE,
                     changes={"name": (None, contact.name), "topic": (None, contact.topic)})  # fmt: skip
        return contact


def contact_remove(*, contact: LocalContact, actor) -> None:
    with transaction.atomic():
        audit.record(actor=actor, instance=contact, event="local contact removed", action=audit.DELETE,
                     changes={"name": (contact.name, None)})  # fmt: skip
        contact.delete()
