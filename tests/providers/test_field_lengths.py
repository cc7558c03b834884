"""Every form field that is stored in a column is no longer than the column, so long input is an
error on the form (kept, next to the field), never a database error."""

import pytest
from django import forms
from django.test import Client

from budgets.forms import RepresentativeForm
from budgets.models import Representative
from organisations.models import User
from providers.forms import ProfileForm
from providers.ledger.forms import EntryForm
from providers.ledger.models import LedgerEntry
from providers.models import ProviderProfile
from tests.conftest import sign_in

# (form, {form field: model field it is stored in})
STORED = [
    (ProfileForm, {name: ProviderProfile._meta.get_field(name) for name in ProfileForm.base_fields
                   if name in {f.name for f in ProviderProfile._meta.get_fields()}}),
    (RepresentativeForm, {"email": User._meta.get_field("email"),
                          "full_name": User._meta.get_field("full_name"),
                          "relationship": Representative._meta.get_field("relationship")}),
    (EntryForm, {"description": LedgerEntry._meta.get_field("description")}),
]  # fmt: skip


def test_every_stored_text_field_is_no_longer_than_its_column():
    wrong = []
    for form, columns in STORED:
        for name, column in columns.items():
            field = form.base_fields[name]
            if not isinstance(field, forms.CharField) or not getattr(column, "max_length", None):
                continue
            if field.max_length is None or field.max_length > column.max_length:
                wrong.append(f"{form.__name__}.{name}: {field.max_length} > {column.max_length}")
    assert not wrong, wrong


@pytest.mark.django_db
def test_a_long_regulator_is_an_error_on_the_form_not_a_500(provider_a, provider_org):
    client = sign_in(Client(), provider_a)
    response = client.post(
        "/providers/organisation/profile/",
        {"fee_kind": "none", "regulator": "R" * 101, "postcode_districts": "DT1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value has at most 100 characters (it has 101)." in page
    assert "R" * 101 in page  # the input is kept


@pytest.mark.django_db
def test_a_long_postcode_district_or_language_is_a_message_not_a_500(provider_a, provider_org):
    client = sign_in(Client(), provider_a)
    response = client.post(
        "/providers/organisation/profile/", {"fee_kind": "none", "postcode_districts": "ABCDEFGHIJ"}
    )
    assert response.status_code == 200
    assert "is not a postcode district" in response.content.decode()
    response = client.post("/providers/organisation/profile/", {"fee_kind": "none", "languages": "x" * 61})
    assert "Write each language in 60 characters or fewer." in response.content.decode()
