"""Import rules at their edges: each test was written against a fault seeded into budgets/imports.py
that the suite did not catch."""

import pytest

from budgets.models import Arrangement, Person
from tests.budgets.test_import_command import HEADER, run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("end_date", "error"),
    [
        ("2027-02-30", "line 2: end_date: '2027-02-30' is not a real date"),
        ("2027-13-01", "line 2: end_date: '2027-13-01' is not a real date"),
        ("31/03/2027", "line 2: end_date: '31/03/2027' is not a date in the form YYYY-MM-DD"),
        ("2026-03-31", "line 2: end_date: 2026-03-31 is before start_date 2026-04-01"),
    ],
)
def test_an_impossible_end_date_is_refused_not_dropped(tmp_path, council, end_date, error):
    text = f"{HEADER}\nP-1,1980-05-01,learning_disability,B-1,direct_payment,100.00,2026-04-01,{end_date},\n"
    code, out, err = run(tmp_path, text)
    assert (code, out, err) == (1, "", [error])
    assert not Person.objects.exists()
    assert not Arrangement.objects.exists()


def test_a_missing_date_of_birth_and_names_or_postcode_too_long_to_keep_are_refused(tmp_path, council):
    header = HEADER + ",given_name,family_name,postcode"
    common = "learning_disability,B-{},direct_payment,100.00,2026-04-01,,"
    rows = (
        f"P-1,,{common.format(1)},{'G' * 101},{'F' * 100},AB12 3CD45\n"
        f"P-2,1980-05-01,{common.format(2)},Ann,{'F' * 101},AB12 3CD456\n"
    )
    code, out, err = run(tmp_path, f"{header}\n{rows}")
    assert (code, out) == (1, "")
    assert err == [
        "line 2: date_of_birth: is missing",
        "line 2: given_name: is longer than 100 characters",
        "line 3: family_name: is longer than 100 characters",
        "line 3: postcode: is longer than 10 characters",
    ]
    assert not Person.objects.exists()
