"""Demo data for advice: Dorset Council's local contacts on the information pages. Idempotent."""

from organisations.models import Council, User

from . import services
from .models import ALL_TOPICS, LocalContact

ORDER = 37

CONTACTS = [
    ("advocate", "Dorset Advocacy", "Free independent advocates for adults in Dorset.", "01305 250 000",
     "help@dorsetadvocacy.example.org"),
    ("complain", "Dorset Council complaints team", "Complaints about adult social care.", "01305 221 000",
     "complaints@dorset.example.org"),
    (ALL_TOPICS, "Dorset Direct Payments Support", "Help with direct payments, payroll and employing "
     "personal assistants.", "01305 333 444", "dp.support@dorset.example.org"),
]  # fmt: skip


def build(*, stdout) -> None:
    council = Council.objects.filter(gss_code="E06000059").first()
    admin = User.objects.filter(email="council.admin@example.org").first()
    if council is None or admin is None:
        stdout.write("advice: council or administrator missing, skipped")
        return
    added = 0
    for topic, name, description, phone, email in CONTACTS:
        if LocalContact.objects.filter(council=council, name=name).exists():
            continue
        services.contact_add(
            council=council,
            actor=admin,
            topic=topic,
            name=name,
            description=description,
            phone=phone,
            email=email,
        )
        added += 1
    stdout.write(f"advice: {added} local contacts for {council.name}")
