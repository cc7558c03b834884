"""`manage.py import_budgets`: good files, bad files, and re-imports."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from budgets.models import Arrangement, BudgetStatus, Person, PersonalBudget
from organisations.services import SYSTEM_ACTOR_EMAIL

pytestmark = pytest.mark.django_db

HEADER = (
    "person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,"
    "start_date,end_date,provider_ref"
)
GOOD = f"""{HEADER}
P-1,1980-05-01,learning_disability,B-1,isf,12000.00,2026-04-01,,PRV-001
P-1,1980-05-01,learning_disability,B-2,direct_payment,3000.50,2026-04-01,2027-03-31,
P-2,1950-01-31,physical_support,B-3,commissioner_controlled,8000,2025-10-01,,
"""


def run(tmp_path, text, *, council="E06000059", actor=None, name="export.csv", raw: bytes | None = None):
    path = tmp_path / name
    path.write_bytes(raw if raw is not None else text.encode("utf-8"))
    out, err = io.StringIO(), io.StringIO()
    args = [str(path), "--council", council]
    if actor:
        args += ["--actor", actor]
    try:
        call_command("import_budgets", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue().strip(), err.getvalue().strip().splitlines()


@pytest.fixture
def setup(council, other_council, provider_org, other_provider_org):
    return council


def test_a_good_file_creates_people_and_approved_arrangements(tmp_path, setup):
    code, out, err = run(tmp_path, GOOD)
    assert (code, err) == (0, [])
    assert out == (
        "Imported for Dorset Council (E06000059): people 2 created, 0 updated; "
        "arrangements 3 created, 0 updated, 0 unchanged."
    )
    p1 = Person.objects.get(person_ref="P-1")
    budget = PersonalBudget.objects.get(person=p1)
    assert budget.status == BudgetStatus.APPROVED and budget.imported
    assert budget.start_date == dt.date(2026, 4, 1)
    assert budget.review_due == dt.date(2027, 4, 1)
    isf = Arrangement.objects.get(budget_ref="B-1")
    assert isf.provider.provider_ref == "PRV-001"
    assert isf.council == p1.council
    assert Arrangement.objects.get(budget_ref="B-3").annual_amount == Decimal("8000.00")
    assert Arrangement.objects.get(budget_ref="B-2").end_date == dt.date(2027, 3, 31)
    # Recorded as done by the named system actor when no --actor is given.
    entry = LogEntry.objects.filter(additional_data__event="arrangement imported").first()
    assert entry.actor.email == SYSTEM_ACTOR_EMAIL
    assert entry.additional_data["note"] == "imported from export.csv"


def test_importing_the_same_file_again_changes_nothing(tmp_path, setup):
    run(tmp_path, GOOD)
    entries = LogEntry.objects.count()
    stamps = list(Arrangement.objects.order_by("pk").values_list("updated_at", flat=True))
    code, out, err = run(tmp_path, GOOD)
    assert code == 0
    assert out.endswith("people 0 created, 0 updated; arrangements 0 created, 0 updated, 3 unchanged.")
    assert LogEntry.objects.count() == entries
    assert list(Arrangement.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_a_changed_row_updates_its_arrangement_and_is_audited(tmp_path, setup, commissioner):
    run(tmp_path, GOOD)
    changed = GOOD.replace(
        "B-1,isf,12000.00,2026-04-01,,PRV-001", "B-1,isf,12500.00,2026-04-01,2027-03-31,PRV-002"
    )
    code, out, err = run(tmp_path, changed, actor=commissioner.email)
    assert (code, err) == (0, [])
    assert out.endswith("people 0 created, 0 updated; arrangements 0 created, 1 updated, 2 unchanged.")
    arrangement = Arrangement.objects.get(budget_ref="B-1")
    assert arrangement.annual_amount == Decimal("12500.00")
    assert arrangement.provider.provider_ref == "PRV-002"
    entry = LogEntry.objects.get(additional_data__event="arrangement updated by import")
    assert entry.actor == commissioner
    assert entry.changes["annual_amount"] == ["12000.00", "12500.00"]
    assert entry.changes["end_date"] == ["", "2027-03-31"]
    assert entry.changes["provider"] == ["Harbour Lights Support", "Purbeck Circles of Support"]


def test_a_changed_person_is_updated_and_counted(tmp_path, setup):
    run(tmp_path, GOOD)
    changed = GOOD.replace("P-2,1950-01-31,physical_support", "P-2,1950-01-31,sensory_support")
    code, out, _ = run(tmp_path, changed)
    assert code == 0
    assert "people 0 created, 1 updated" in out
    assert Person.objects.get(person_ref="P-2").primary_support_reason == "sensory_support"


def test_optional_name_and_postcode_columns_are_taken(tmp_path, setup):
    text = (
        f"{HEADER},given_name,postcode,family_name\n"
        "P-9,1990-02-03,mental_health,B-9,direct_payment,100.00,2026-04-01,,,Rhian,DT1 1AA,Jones\n"
    )
    code, _, err = run(tmp_path, text)
    assert (code, err) == (0, [])
    person = Person.objects.get(person_ref="P-9")
    assert (person.given_name, person.family_name, person.postcode) == ("Rhian", "Jones", "DT1 1AA")


def test_a_byte_order_mark_is_accepted(tmp_path, setup):
    code, out, err = run(tmp_path, "", raw=b"\xef\xbb\xbf" + GOOD.encode())
    assert (code, err) == (0, [])
    assert Arrangement.objects.count() == 3


def test_the_actor_email_is_recorded(tmp_path, setup, commissioner):
    run(tmp_path, GOOD, actor=commissioner.email)
    assert set(
        LogEntry.objects.filter(additional_data__event="person imported").values_list("actor", flat=True)
    ) == {commissioner.pk}


def _fails_with(tmp_path, text, expected, **kw):
    code, out, err = run(tmp_path, text, **kw)
    assert code == 1
    assert out == ""
    assert err == expected
    assert Person.objects.count() == 0 and Arrangement.objects.count() == 0


def test_an_empty_file_is_refused(tmp_path, setup):
    _fails_with(tmp_path, "", ["line 1: header: the file is empty; the first line must be the header"])


def test_a_header_with_no_rows_is_refused(tmp_path, setup):
    _fails_with(tmp_path, HEADER + "\n", ["line 2: file: there are no rows after the header"])


def test_a_wrong_header_is_refused(tmp_path, setup):
    text = GOOD.replace("annual_amount", "amount", 1)
    _fails_with(
        tmp_path,
        text,
        [f"line 1: header: expected the columns {HEADER}, found {HEADER.replace('annual_amount', 'amount')}"],
    )


def test_an_unknown_extra_column_is_refused(tmp_path, setup):
    text = GOOD.replace(HEADER, HEADER + ",nickname", 1)
    _fails_with(
        tmp_path,
        text,
        [
            "line 1: header: unknown column 'nickname'; after the nine required columns only "
            "given_name, family_name, postcode may follow"
        ],
    )


def test_text_that_is_not_utf8_is_refused_on_its_line(tmp_path, setup):
    raw = (HEADER + "\nP-1,1980-05-01,learning_disability,B-1,direct_payment,1.00,2026-04-01,,\n").encode()
    raw += "P-2,1980-05-01,learning_disability,B-2,direct_payment,1.00,2026-04-01,,,\n".encode("utf-16")
    code, _, err = run(tmp_path, "", raw=raw)
    assert code == 1
    assert err == ["line 3: file: this is not UTF-8 text; save the file as 'CSV UTF-8' and try again"]


def test_every_bad_value_is_reported_with_its_line_and_column(tmp_path, setup):
    text = f"""{HEADER}
P 1,1980-13-01,flying,B-1,isf,-5,2026-04-01,,
P-2,01/02/1980,physical_support,B-2,direct_payment,12.345,2026-02-30,,
P-3,1980-01-01,physical_support,B-3,direct_payment_managed,100,2026-04-01,2026-03-31,
P-4,1980-01-01,physical_support,B-4,isf,100,2026-04-01,,PRV-999
P-5,1980-01-01,physical_support,B-5,self_managed,1e3,,,
P-6,1980-01-01,physical_support,B-6,direct_payment,100,2026-04-01
"""
    _fails_with(
        tmp_path,
        text,
        [
            "line 2: person_ref: 'P 1' is not a reference; use 1 to 64 letters, digits, full stops, "
            "underscores, slashes or hyphens",
            "line 2: date_of_birth: '1980-13-01' is not a real date",
            "line 2: primary_support_reason: 'flying' is not one of physical_support, sensory_support, "
            "memory_and_cognition, learning_disability, mental_health, social_support",
            "line 2: annual_amount: '-5' is not an amount of 0 or more with at most two decimal places, "
            "like 1234.50",
            "line 2: provider_ref: is required when management_type is isf",
            "line 3: date_of_birth: '01/02/1980' is not a date in the form YYYY-MM-DD",
            "line 3: annual_amount: '12.345' is not an amount of 0 or more with at most two decimal places, "
            "like 1234.50",
            "line 3: start_date: '2026-02-30' is not a real date",
            "line 4: end_date: 2026-03-31 is before start_date 2026-04-01",
            "line 4: provider_ref: is required when management_type is direct_payment_managed",
            "line 5: provider_ref: there is no provider with reference 'PRV-999'",
            "line 6: management_type: 'self_managed' is not one of direct_payment, direct_payment_managed, "
            "isf, commissioner_controlled",
            "line 6: annual_amount: '1e3' is not an amount of 0 or more with at most two decimal places, "
            "like 1234.50",
            "line 6: start_date: is missing",
            "line 7: row: expected 9 values, found 7",
        ],
    )


def test_a_budget_ref_used_twice_in_the_file_is_refused(tmp_path, setup):
    text = GOOD.replace("B-3", "B-1")
    _fails_with(
        tmp_path,
        text,
        ["line 4: budget_ref: 'B-1' is already used on line 2; each arrangement needs its own budget_ref"],
    )


def test_the_same_person_with_a_different_date_of_birth_is_refused(tmp_path, setup):
    text = GOOD.replace("P-1,1980-05-01,learning_disability,B-2", "P-1,1981-05-01,learning_disability,B-2")
    _fails_with(
        tmp_path,
        text,
        [
            "line 3: date_of_birth: '1981-05-01' differs from '1980-05-01' on line 2 for the same "
            "person_ref 'P-1'"
        ],
    )


def test_a_date_of_birth_in_the_future_is_refused(tmp_path, setup):
    text = GOOD.replace("P-2,1950-01-31", "P-2,2999-01-31")
    _fails_with(tmp_path, text, ["line 4: date_of_birth: 2999-01-31 is in the future"])


def test_a_blank_line_is_skipped_and_line_numbers_stay_true(tmp_path, setup):
    text = f"{HEADER}\n\nP-1,1980-05-01,learning_disability,B-1,isf,12000.00,2026-04-01,,PRV-404\n"
    _fails_with(tmp_path, text, ["line 3: provider_ref: there is no provider with reference 'PRV-404'"])


def test_one_bad_row_means_nothing_is_imported(tmp_path, setup):
    text = GOOD + "P-3,1980-01-01,physical_support,B-4,isf,100,2026-04-01,,\n"
    _fails_with(tmp_path, text, ["line 5: provider_ref: is required when management_type is isf"])


def test_an_unknown_council_is_a_clear_error(tmp_path, setup):
    code, out, err = run(tmp_path, GOOD, council="E09999999")
    assert code == 1
    assert err == ["There is no council with code 'E09999999'. Check the code, like E06000059."]
    assert Person.objects.count() == 0


def test_an_unknown_actor_is_a_clear_error(tmp_path, setup):
    code, _, err = run(tmp_path, GOOD, actor="nobody@example.org")
    assert (code, err) == (1, ["There is no user with email 'nobody@example.org'."])


def test_a_missing_file_is_a_clear_error(setup):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_budgets", "/nonexistent/file.csv", "--council", "E06000059", stderr=err)
    assert exc.value.code == 1
    assert err.getvalue().strip() == "Cannot read /nonexistent/file.csv: No such file or directory."


def test_a_budget_ref_cannot_move_to_another_person(tmp_path, setup):
    run(tmp_path, GOOD)
    text = f"{HEADER}\nP-2,1950-01-31,physical_support,B-1,isf,12000.00,2026-04-01,,PRV-001\n"
    code, _, err = run(tmp_path, text)
    assert code == 1
    assert err == [
        "line 2: budget_ref: 'B-1' already belongs to person_ref 'P-1'; an arrangement cannot move to "
        "another person"
    ]


def test_the_same_budget_ref_in_another_council_is_a_different_arrangement(tmp_path, setup):
    run(tmp_path, GOOD)
    code, out, _ = run(tmp_path, GOOD, council="E06000023")
    assert code == 0
    assert out.startswith("Imported for Bristol City Council (E06000023): people 2 created")
    assert Arrangement.objects.filter(budget_ref="B-1").count() == 2


def test_imported_arrangements_are_counted_and_active_by_their_dates(tmp_path, setup):
    from budgets.selectors import active_arrangements, counted_arrangements

    run(tmp_path, GOOD)
    assert counted_arrangements().count() == 3
    p1 = Person.objects.get(person_ref="P-1")
    assert active_arrangements(person=p1, on=dt.date(2026, 3, 31)).count() == 0
    assert active_arrangements(person=p1, on=dt.date(2027, 3, 31)).count() == 2
    assert [a.budget_ref for a in active_arrangements(person=p1, on=dt.date(2027, 4, 1))] == ["B-1"]


def test_quoted_values_and_surrounding_spaces_are_read(tmp_path, setup):
    text = (
        f"{HEADER},given_name\n"
        '" P-1 ",1980-05-01,learning_disability,B-1, direct_payment ,12.5,2026-04-01,,,"Ann, Jo"\n'
    )
    code, _, err = run(tmp_path, text)
    assert (code, err) == (0, [])
    person = Person.objects.get(person_ref="P-1")
    assert person.given_name == "Ann, Jo"
    assert Arrangement.objects.get().annual_amount == Decimal("12.50")


def test_an_optional_column_given_twice_is_refused(tmp_path, setup):
    text = GOOD.replace(HEADER, HEADER + ",postcode,postcode", 1)
    _fails_with(tmp_path, text, ["line 1: header: column 'postcode' is given more than once"])


def test_an_amount_too_large_to_store_is_refused(tmp_path, setup):
    text = GOOD.replace("12000.00", "12345678901.00")
    _fails_with(
        tmp_path,
        text,
        [
            "line 2: annual_amount: '12345678901.00' is not an amount of 0 or more with at most two decimal "
            "places, like 1234.50"
        ],
    )


def test_a_missing_reference_is_reported(tmp_path, setup):
    text = GOOD.replace("P-2,1950-01-31,physical_support,B-3", ",1950-01-31,physical_support,")
    _fails_with(tmp_path, text, ["line 4: person_ref: is missing", "line 4: budget_ref: is missing"])


def test_an_end_date_on_the_start_date_is_allowed(tmp_path, setup):
    text = f"{HEADER}\nP-1,1980-05-01,learning_disability,B-1,direct_payment,1.00,2026-04-01,2026-04-01,\n"
    code, _, err = run(tmp_path, text)
    assert (code, err) == (0, [])


def test_a_new_arrangement_for_a_known_person_joins_their_imported_budget(tmp_path, setup):
    run(tmp_path, GOOD)
    more = GOOD + "P-1,1980-05-01,learning_disability,B-4,commissioner_controlled,500.00,2025-04-01,,\n"
    code, out, _ = run(tmp_path, more)
    assert code == 0
    assert out.endswith("people 0 created, 0 updated; arrangements 1 created, 0 updated, 3 unchanged.")
    budget = Arrangement.objects.get(budget_ref="B-4").budget
    assert budget == Arrangement.objects.get(budget_ref="B-1").budget
    # The imported version now starts with its earliest arrangement.
    assert budget.start_date == dt.date(2025, 4, 1)


def test_an_arrangement_waiting_for_approval_is_not_changed_by_an_import(
    tmp_path, setup, commissioner, council
):
    from budgets import services

    person = Person.objects.create(
        council=council,
        person_ref="P-1",
        date_of_birth="1980-05-01",
        primary_support_reason="learning_disability",
    )
    services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal("1.00"), budget_ref="B-1")],
        actor=commissioner,
    )
    text = f"{HEADER}\nP-1,1980-05-01,learning_disability,B-1,direct_payment,2.00,2026-04-01,,\n"
    code, _, err = run(tmp_path, text)
    assert code == 1
    assert err == [
        "line 2: budget_ref: 'B-1' is part of a budget that is waiting for approval in this service; "
        "change it there"
    ]
    assert Arrangement.objects.get().annual_amount == Decimal("1.00")


def test_the_history_page_of_an_imported_budget_shows_who_imported_it(tmp_path, setup, commissioner):
    from django.test import Client

    from tests.conftest import sign_in

    run(tmp_path, GOOD, actor=commissioner.email)
    budget = Arrangement.objects.get(budget_ref="B-1").budget
    page = sign_in(Client(), commissioner).get(f"/budgets/{budget.pk}/history/").content.decode()
    assert "Budget imported (approved in the council&#x27;s previous system)" in page
    assert "Arrangement imported" in page and commissioner.display_name in page
