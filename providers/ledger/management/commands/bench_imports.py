# ruff: noqa: S608 - the only SQL built here names a database checked to be a plain identifier.
"""Time the imports on a synthetic council: `manage.py bench_imports --people N`.

In a fresh database (default: this database's name + `_bench_imports`, created, migrated and dropped
afterwards unless --keep), builds a council of N people with mixed arrangements as a council export
CSV and prints, in one run, each in seconds and rows a second:

1. the first import of that file (`import_budgets`);
2. a re-import of the unchanged file;
3. a re-import with 1% of rows changed;
4. an ISF import of 10 entries per fund (`import_isf_entries`, one file per provider);
5. the longest a provider's spending request on one fund waited while an import of the provider's
   other funds was running.

`--in-place` runs in the current database instead; only allowed in a test database (`test_...`).
"""

import datetime as dt
import random
import threading
import time
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.utils import timezone

from budgets.imports import import_budgets
from budgets.models import Arrangement, ManagementType, PrimarySupportReason
from organisations.models import Council, Provider
from organisations.services import system_actor
from providers.ledger.imports import import_isf_entries
from providers.ledger.models import HeldAccount
from providers.ledger.services import record_spending
from providers.models import AgreementStatus, FlexibleAgreement

HEADER = (
    "person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,"
    "start_date,end_date,provider_ref"
)
ISF_HEADER = "budget_ref,entry_date,category,amount,description,entry_ref"
REASONS = [r.value for r in PrimarySupportReason]
TYPES = [
    (ManagementType.ISF, 30),
    (ManagementType.DIRECT_PAYMENT, 35),
    (ManagementType.DIRECT_PAYMENT_MANAGED, 10),
    (ManagementType.COMMISSIONER_CONTROLLED, 25),
]
PROVIDERS = 20
ENTRIES_PER_FUND = 10
COUNCIL_CODE = "E99999998"


def synthetic_export(people: int, *, seed: int = 14) -> list[list[str]]:
    """A council export: N people, a quarter of them with a second arrangement of another type."""
    rng = random.Random(seed)
    types = [t for t, weight in TYPES for _ in range(weight)]
    rows = []
    for n in range(people):
        dob = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 80))
        reason = rng.choice(REASONS)
        for k in range(2 if n % 4 == 0 else 1):
            mtype = rng.choice(types)
            provider = ""
            if mtype in (ManagementType.ISF, ManagementType.DIRECT_PAYMENT_MANAGED):
                provider = f"BENCH-P{rng.randrange(PROVIDERS):02d}"
            start = dt.date(2024, 4, 1) + dt.timedelta(days=rng.randrange(0, 600))
            rows.append(
                [
                    f"BP-{n:06d}",
                    dob.isoformat(),
                    reason,
                    f"BB-{n:06d}-{k}",
                    mtype,
                    f"{rng.randrange(2000, 60000)}.{rng.randrange(100):02d}",
                    start.isoformat(),
                    "",
                    provider,
                ]
            )
    return rows


def ensure_providers() -> None:
    """The providers the synthetic export names."""
    Provider.objects.bulk_create(
        [Provider(provider_ref=f"BENCH-P{i:02d}", name=f"Benchmark provider {i}") for i in range(PROVIDERS)],
        ignore_conflicts=True,
    )


def as_csv(header: str, rows: list[list[str]]) -> bytes:
    return ("\n".join([header, *(",".join(r) for r in rows)]) + "\n").encode()


class Command(BaseCommand):
    help = "Benchmark the budget and ISF imports on a synthetic council of N people in a fresh database."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--database", default="", help="name of the fresh database (made and dropped)")
        parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
        parser.add_argument("--in-place", action="store_true", help="use the current (test) database")

    def handle(self, *args, people: int, database: str, keep: bool, in_place: bool, **options):
        if people < 1:
            raise CommandError("--people must be at least 1.")
        settings = connection.settings_dict
        original = settings["NAME"]
        if in_place:
            if not original.startswith("test_"):
                raise CommandError("--in-place only runs in a test database (its name starts with test_).")
            self._bench(people, original)
            return
        name = database or f"{original}_bench_imports"
        if not name.replace("_", "").isalnum():
            raise CommandError("--database must be letters, digits and underscores.")
        quoted = connection.ops.quote_name(name)
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quoted}")
        connections.close_all()
        settings["NAME"] = name
        try:
            self.stdout.write(f"Migrating the fresh database {name}...")
            call_command("migrate", verbosity=0, interactive=False)
            self._bench(people, name)
        finally:
            connections.close_all()
            settings["NAME"] = original
            if not keep:
                with connection._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")

    # -- the run -------------------------------------------------------------------------------------

    def _line(self, what: str, seconds: float, rows: int, cpu: float | None = None) -> None:
        rate = rows / seconds if seconds else float("inf")
        # CPU seconds of this process: on a shared machine, what the import itself cost (PostgreSQL's
        # share is not in it).
        used = f"  ({cpu:.2f} s CPU here)" if cpu is not None else ""
        self.stdout.write(f"{what:<34} {seconds:8.2f} s {rows:>8} rows {rate:>10,.0f} rows/s{used}")

    def _bench(self, people: int, name: str) -> None:
        actor = system_actor()
        council, _ = Council.objects.get_or_create(
            gss_code=COUNCIL_CODE, defaults={"name": "Benchmark council"}
        )
        Provider.objects.bulk_create(
            [
                Provider(provider_ref=f"BENCH-P{i:02d}", name=f"Benchmark provider {i}")
                for i in range(PROVIDERS)
            ],
            ignore_conflicts=True,
        )
        rows = synthetic_export(people)
        data = as_csv(HEADER, rows)
        self.stdout.write(
            f"bench_imports: {people} people, {len(rows)} arrangements, database {name} "
            "(figures from one run; the machine may be shared)"
        )

        def timed(label: str, payload: bytes, count: int, expect: str):
            t0, c0 = time.perf_counter(), time.process_time()
            result = import_budgets(data=payload, council=council, actor=actor, source="bench.csv")
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            if not result.ok:
                raise CommandError("\n".join(result.errors[:20]))
            self._line(label, seconds, count, cpu)
            self.stdout.write(f"  {result.summary}")
            if expect not in result.summary:
                raise CommandError(f"expected '{expect}' in the summary")

        timed("first import", data, len(rows), f"arrangements {len(rows)} created")
        timed("unchanged re-import", data, len(rows), f"{len(rows)} unchanged")
        rng = random.Random(1)
        changed = [list(r) for r in rows]
        picks = rng.sample(range(len(changed)), max(1, len(changed) // 100))
        for i in picks:
            changed[i][5] = f"{Decimal(changed[i][5]) + 1:.2f}"
        timed("re-import, 1% changed", as_csv(HEADER, changed), len(rows), f"{len(picks)} updated")

        funds = self._open_funds(council, actor)
        self._isf(funds, actor)

    def _open_funds(self, council: Council, actor) -> list[HeldAccount]:
        """Active agreements and open funds for every ISF arrangement (setup, not timed)."""
        arrangements = list(
            Arrangement.objects.filter(
                council=council, management_type=ManagementType.ISF, flexible_agreements__isnull=True
            ).select_related("budget")
        )
        now = timezone.now()
        agreements = FlexibleAgreement.objects.bulk_create(
            [
                FlexibleAgreement(
                    person_id=a.budget.person_id,
                    provider_id=a.provider_id,
                    council=council,
                    arrangement=a,
                    status=AgreementStatus.ACTIVE,
                    annual_budget=a.annual_amount,
                    outcomes="Benchmark",
                    unspent_limit=Decimal("0.00"),
                    # Spending is allowed well below zero: the benchmark posts no council payments.
                    overdraft_limit=Decimal("1000000.00"),
                    start_date=a.start_date,
                    review_date=a.start_date + dt.timedelta(days=365),
                    accepted_at=now,
                )
                for a in arrangements
            ],
            batch_size=2000,
        )
        return HeldAccount.objects.bulk_create(
            [
                HeldAccount(
                    agreement=agreement,
                    person_id=agreement.person_id,
                    provider_id=agreement.provider_id,
                    council=council,
                    budget_ref=a.budget_ref,
                    opened_on=a.start_date,
                )
                for agreement, a in zip(agreements, arrangements, strict=True)
            ],
            batch_size=2000,
        )

    def _isf_file(self, funds, *, prefix: str) -> tuple[bytes, int]:
        today = timezone.localdate()
        lines = []
        for fund in funds:
            for k in range(ENTRIES_PER_FUND):
                day = max(fund.opened_on, today - dt.timedelta(days=k * 3))
                lines.append(
                    [
                        fund.budget_ref,
                        day.isoformat(),
                        "support",
                        "12.34",
                        "Support worker hours",
                        f"{prefix}-{k}",
                    ]
                )
        return as_csv(ISF_HEADER, lines), len(lines)

    def _isf(self, funds: list[HeldAccount], actor) -> None:
        by_provider: dict[int, list[HeldAccount]] = {}
        for fund in funds:
            by_provider.setdefault(fund.provider_id, []).append(fund)
        providers = {p.pk: p for p in Provider.objects.filter(pk__in=by_provider)}
        total_rows, total_seconds, total_cpu = 0, 0.0, 0.0
        for provider_id, its_funds in sorted(by_provider.items()):
            data, count = self._isf_file(its_funds, prefix="E1")
            t0, c0 = time.perf_counter(), time.process_time()
            result = import_isf_entries(data=data, provider=providers[provider_id], actor=actor)
            total_seconds += time.perf_counter() - t0
            total_cpu += time.process_time() - c0
            if not result.ok:
                raise CommandError("\n".join(result.errors[:20]))
            total_rows += count
        self._line(
            f"ISF import ({ENTRIES_PER_FUND} a fund, {len(by_provider)} files)",
            total_seconds,
            total_rows,
            total_cpu,
        )
        if not by_provider:
            return
        # A provider records spending on one fund while its import of all its other funds runs.
        provider_id, its_funds = max(by_provider.items(), key=lambda item: len(item[1]))
        if len(its_funds) < 2:
            return
        alone, others = its_funds[0], its_funds[1:]
        data, count = self._isf_file(others, prefix="E2")
        waits: list[float] = []
        done = threading.Event()
        outcome = {}

        def run_import():
            try:
                t0 = time.perf_counter()
                outcome["result"] = import_isf_entries(
                    data=data, provider=providers[provider_id], actor=actor
                )
                outcome["seconds"] = time.perf_counter() - t0
            finally:
                done.set()
                connections.close_all()

        worker = threading.Thread(target=run_import)
        worker.start()
        n = 0
        while not done.is_set() or n == 0:
            t0 = time.perf_counter()
            record_spending(
                fund=alone,
                entry_date=timezone.localdate(),
                category="support",
                amount=Decimal("1.00"),
                description="Bus fare",
                idempotency_key=f"wait-{n}",
                actor=actor,
            )
            waits.append(time.perf_counter() - t0)
            n += 1
        worker.join()
        if not outcome["result"].ok:
            raise CommandError("\n".join(outcome["result"].errors[:20]))
        self._line("ISF import beside spending", outcome["seconds"], count)
        self.stdout.write(
            f"{'spending on another fund meanwhile':<34} {max(waits):8.3f} s longest of {len(waits)} requests"
        )
