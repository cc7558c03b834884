"""A spending file read through the shared pipeline (organisations/imports.py, issue 20): a quoted
description that runs over two lines is read whole, its line break a space between two words (not lost,
running the words together), whether the file comes as bytes (the command, an upload) or as text."""

import datetime as dt

import pytest

from providers.ledger.imports import import_isf_entries
from tests.ledger.test_import import csv_of, funded  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

TEXT = csv_of(
    'DOR-ISF-1,2026-04-07,support,45.00,"Swimming\nand a drink after",ACC-1',
    "DOR-ISF-1,2026-04-08,equipment,12.00,A kettle tipper,ACC-2",
)


@pytest.mark.parametrize("data", [TEXT.encode(), TEXT], ids=["bytes", "text"])
def test_a_quoted_description_over_two_lines_is_read_whole(funded, provider_org, robot, data):  # noqa: F811
    result = import_isf_entries(data=data, provider=provider_org, actor=robot, today=dt.date(2026, 5, 1))
    assert result.errors == []
    assert funded.entries.get(idempotency_key="ACC-1").description == "Swimming and a drink after"
    assert funded.entries.get(idempotency_key="ACC-2").description == "A kettle tipper"
