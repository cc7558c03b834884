import pytest
from django.core.management import call_command

from providers.ledger import services
from providers.ledger.models import LedgerEntry
from providers.ledger.selectors import balance_of
from tests.ledger.conftest import START
from tests.ledger.factories import isf_fund

HEADER = "budget_ref,entry_date,category,amount,description,entry_ref"


@pytest.fixture
def funded(fund, robot):
    services.post_due_payments(fund=fund, actor=robot, today=START)  # £950.00 left
    return fund


def run(tmp_path, text: str, provider="PRV-001", encoding="utf-8"):
    path = tmp_path / "entries.csv"
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    out, err = _Buffer(), _Buffer()
    try:
        call_command("import_isf_entries", str(path), "--provider", provider, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.text, err.text
    return 0, out.text, err.text


class _Buffer:
    def __init__(self):
        self.parts = []

    def write(self, s):
        self.parts.append(s)

    def flush(self):
        pass

    @property
    def text(self):
        return "".join(self.parts)


def csv_of(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


def test_an_import_records_spending_and_a_reimport_adds_nothing(tmp_path, funded):
    text = csv_of(
        "DOR-ISF-1,2026-04-07,support,45.00,Support from Ann to go swimming,ACC-1",
        "DOR-ISF-1,2026-04-08,equipment,120.5,A kettle tipper,ACC-2",
    )
    code, out, err = run(tmp_path, text)
    assert (code, err) == (0, "")
    assert out.strip() == ("Imported 2 new entries for 1 fund of Harbour Lights Support; 0 already recorded.")
    assert balance_of(funded) == pytest.approx(950 - 165.5)
    entry = funded.entries.get(idempotency_key="ACC-2")
    assert (entry.category, str(entry.amount), entry.description) == (
        "equipment",
        "-120.50",
        "A kettle tipper",
    )
    code, out, _ = run(tmp_path, text)
    assert code == 0
    assert out.strip() == "Imported 0 new entries for 1 fund of Harbour Lights Support; 2 already recorded."
    assert funded.entries.count() == 4


@pytest.mark.parametrize(
    "row,error",
    [
        (
            "NOPE-1,2026-04-07,support,45.00,Swimming,A1",
            "line 2: budget_ref: 'NOPE-1' is not an Individual Service Fund held by Harbour Lights Support",
        ),
        (
            "",  # blank budget_ref
            "line 2: budget_ref: enter the council's reference for the person's Individual Service Fund",
        ),
        (
            "DOR-ISF-1,2026-13-01,support,45.00,Swimming,A1",
            "line 2: entry_date: '2026-13-01' is not a real date",
        ),
        (
            "DOR-ISF-1,07/04/2026,support,45.00,Swimming,A1",
            "line 2: entry_date: '07/04/2026' is not a date in the form YYYY-MM-DD, like 2026-05-04",
        ),
        ("DOR-ISF-1,2099-01-01,support,45.00,Swimming,A1", "line 2: entry_date: cannot be in the future"),
        (
            "DOR-ISF-1,2026-04-01,support,45.00,Swimming,A1",
            "line 2: entry_date: The date cannot be before the agreement started on 6 April 2026.",
        ),
        (
            "DOR-ISF-1,2026-04-07,food,45.00,Swimming,A1",
            "line 2: category: 'food' must be one of support, activity, equipment "
            "(council payments and fees are posted by themselves)",
        ),
        (
            "DOR-ISF-1,2026-04-07,support,12.345,Swimming,A1",
            "line 2: amount: '12.345' must be the amount spent in pounds, positive, with at most 2 decimal "
            "places, like 45.00",
        ),
        (
            "DOR-ISF-1,2026-04-07,support,-5.00,Swimming,A1",
            "line 2: amount: '-5.00' must be the amount spent in pounds, positive, with at most 2 decimal "
            "places, like 45.00",
        ),
        ("DOR-ISF-1,2026-04-07,support,0.00,Swimming,A1", "line 2: amount: must be more than 0.00"),
        (
            "DOR-ISF-1,2026-04-07,support,45.00,,A1",
            "line 2: description: say what the money was for, in words the person understands",
        ),
        (
            "DOR-ISF-1,2026-04-07,support,45.00,Swimming,",
            "line 2: entry_ref: enter your own reference for the entry (it stops it being added twice)",
        ),
        ("DOR-ISF-1,2026-04-07,support,45.00", "line 2: row: expected 6 values, found 4"),
        (
            f"DOR-ISF-1,2026-04-07,support,45.00,{'d' * 301},A1",
            "line 2: description: must be 300 characters or fewer",
        ),
        (
            f"DOR-ISF-1,2026-04-07,support,45.00,Swimming,{'R' * 121}",
            "line 2: entry_ref: must be 120 characters or fewer",
        ),
    ],
)
def test_each_bad_value_is_reported_by_line_and_column_and_nothing_is_recorded(tmp_path, funded, row, error):
    if row == "":
        row = ",2026-04-07,support,45.00,Swimming,A1"
    good = "DOR-ISF-1,2026-04-07,activity,10.00,Cinema,OK-1"
    code, out, err = run(tmp_path, csv_of(row, good))
    assert code == 1 and out == ""
    assert err.strip() == error
    assert funded.entries.count() == 2


def test_a_budget_ref_of_another_providers_fund_is_not_found(tmp_path, funded, other_fund):
    code, _, err = run(tmp_path, csv_of("BRI-ISF-1,2026-04-07,support,45.00,Swimming,A1"))
    assert code == 1
    assert err.strip() == (
        "line 2: budget_ref: 'BRI-ISF-1' is not an Individual Service Fund held by Harbour Lights Support"
    )
    assert other_fund.entries.count() == 0


def test_the_longest_description_and_entry_ref_allowed_are_recorded(tmp_path, funded):
    code, _, err = run(tmp_path, csv_of(f"DOR-ISF-1,2026-04-07,support,45.00,{'d' * 300},{'R' * 120}"))
    assert (code, err) == (0, "")
    entry = funded.entries.get(idempotency_key="R" * 120)
    assert entry.description == "d" * 300


def test_a_budget_ref_held_for_two_people_is_refused_not_guessed(
    tmp_path, funded, other_person, provider_org, robot
):
    # Two councils may each use the reference; the provider holds both people's funds.
    twin = isf_fund(
        person=other_person, provider=provider_org, actor=robot, start=START, budget_ref="DOR-ISF-1"
    )
    code, _, err = run(tmp_path, csv_of("DOR-ISF-1,2026-04-07,support,45.00,Swimming,A1"))
    assert code == 1
    assert (
        err.strip()
        == "line 2: budget_ref: 'DOR-ISF-1' matches funds of more than one person; ask the council"
    )
    assert funded.entries.count() == 2 and twin.entries.count() == 0


def test_an_uploaded_spending_file_runs_as_a_job_and_leads_to_the_providers_ledgers(
    funded, provider_org, provider_finance
):
    from organisations import jobs
    from organisations.models import ImportJobStatus

    job = jobs.request_import(
        kind="isf_entries",
        target=f"provider:{provider_org.pk}",
        file_name="entries.csv",
        data=csv_of("DOR-ISF-1,2026-04-07,support,45.00,Swimming,A1").encode(),
        actor=provider_finance,
        enqueue=False,
    )
    job = jobs.run_import(job_id=job.pk)
    assert (job.status, job.errors) == (ImportJobStatus.DONE, [])
    assert job.summary == "Imported 1 new entry for 1 fund of Harbour Lights Support; 0 already recorded."
    assert job.result_url == "/isf/provider/"
    assert funded.entries.get(idempotency_key="A1").recorded_by == provider_finance


def test_an_overspend_across_rows_is_refused_and_nothing_is_recorded(tmp_path, funded):
    code, _, err = run(
        tmp_path,
        csv_of(
            "DOR-ISF-1,2026-04-07,support,500.00,Support in April,A1",
            "DOR-ISF-1,2026-04-08,support,500.00,More support in April,A2",
        ),
    )
    assert code == 1
    assert err.strip() == (
        "line 3: amount: There is not enough money left: £450.00 is left and this takes out £500.00. "
        "The agreement does not allow the balance to go below zero."
    )
    assert funded.entries.count() == 2 and balance_of(funded) == 950


def test_a_duplicate_entry_ref_within_the_file_is_an_error(tmp_path, funded):
    code, _, err = run(
        tmp_path,
        csv_of(
            "DOR-ISF-1,2026-04-07,support,5.00,Support,A1",
            "",
            "DOR-ISF-1,2026-04-08,support,6.00,Support,A1",
        ),
    )
    assert code == 1
    assert err.strip() == "line 4: entry_ref: 'A1' is in this file twice for one fund (also line 2)"


def test_the_same_entry_ref_with_different_content_is_an_error(tmp_path, funded):
    assert run(tmp_path, csv_of("DOR-ISF-1,2026-04-07,support,10.00,Support,A1"))[0] == 0
    code, _, err = run(tmp_path, csv_of("DOR-ISF-1,2026-04-07,support,11.00,Support,A1"))
    assert code == 1
    assert err.strip() == (
        "line 2: entry_ref: The reference 'A1' was already used for a different entry "
        "(Support, −£10.00 on 7 April 2026). Use a new reference for a new entry."
    )


@pytest.mark.parametrize(
    "text,error",
    [
        ("", "line 1: header: the file is empty; the first line must be " + HEADER),
        (
            "budget_ref,date,category,amount,description,entry_ref\nDOR-ISF-1,2026-04-07,support,1.00,x,A\n",
            "line 1: header: must be exactly " + HEADER,
        ),
        (HEADER + "\n", "line 2: row: the file has no entries after the header " + HEADER),
        (b"budget_ref\xff", "line 1: file: the file must be UTF-8 text"),
    ],
)
def test_empty_files_and_wrong_headers(tmp_path, funded, text, error):
    code, _, err = run(tmp_path, text)
    assert code == 1 and err.strip() == error


def test_every_error_is_reported_at_once(tmp_path, funded):
    code, _, err = run(
        tmp_path,
        csv_of("NOPE,2026-04-07,support,1.00,x,A", "DOR-ISF-1,bad,sport,1.234,x,B"),
    )
    assert code == 1
    assert [line.split(":")[0:2] for line in err.strip().splitlines()] == [
        ["line 2", " budget_ref"],
        ["line 3", " entry_date"],
        ["line 3", " category"],
        ["line 3", " amount"],
    ]
    assert LedgerEntry.objects.filter(fund=funded).count() == 2


def test_an_unknown_provider_stops_the_import(tmp_path, funded):
    code, _, err = run(tmp_path, csv_of("DOR-ISF-1,2026-04-07,support,1.00,x,A"), provider="PRV-999")
    assert code == 1
    assert err.strip() == "There is no provider with reference 'PRV-999'. Check the reference, like PRV-001."
