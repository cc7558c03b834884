"""`manage.py bench_imports` at a small size: it runs end to end and prints every figure the README
records (the full-size run is `manage.py bench_imports --people 20000`, not part of `make test`)."""

import io
import re

import pytest
from django.core.management import call_command

from budgets.models import Arrangement, Person
from providers.ledger.models import LedgerEntry


@pytest.mark.django_db(transaction=True)
def test_a_small_benchmark_prints_each_import_with_seconds_and_rows_a_second():
    out = io.StringIO()
    call_command("bench_imports", "--people", "40", "--in-place", stdout=out)
    text = out.getvalue()
    for label in (
        "first import",
        "unchanged re-import",
        "re-import, 1% changed",
        "ISF import (10 a fund",
        "ISF import beside spending",
    ):
        assert re.search(
            rf"^{re.escape(label)}.* s +\d+ rows +[\d,]+ rows/s(  \(\d+\.\d+ s CPU here\))?$",
            text,
            re.MULTILINE,
        ), text
    assert re.search(r"^spending on another fund meanwhile +\d+\.\d+ s longest of \d+ requests$", text, re.M)
    # The imports really wrote: 40 people, 50 arrangements (every fourth person has two), 10 entries a fund
    # plus the second import's and the spending requests.
    assert Person.objects.count() == 40
    assert Arrangement.objects.count() == 50
    assert "arrangements 50 created" in text and "50 unchanged" in text and "0 created, 1 updated" in text
    funds = Arrangement.objects.filter(management_type="isf").count()
    assert LedgerEntry.objects.filter(idempotency_key__startswith="E1-").count() == 10 * funds


@pytest.mark.django_db
def test_in_place_is_refused_outside_a_test_database(settings):
    from django.core.management.base import CommandError
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = "ps_production"
    try:
        with pytest.raises(CommandError, match="only runs in a test database"):
            call_command("bench_imports", "--people", "5", "--in-place")
    finally:
        connection.settings_dict["NAME"] = name
