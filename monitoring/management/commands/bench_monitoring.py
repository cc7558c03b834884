# ruff: noqa: S608 - SQL here is built from constants and a schema name checked to be an identifier.
"""Time the monitoring return against an equivalent hand-written SQL GROUP BY, on a synthetic council.

The synthetic council lives in its own PostgreSQL schema (default `bench_monitoring`), made with
CREATE TABLE ... (LIKE <table> INCLUDING ALL) so it has the same columns, constraints and indexes as
the real tables; the command points the connection's search_path at it, so the very same ORM code
runs against it, and drops it afterwards (unless --keep). The real tables are never touched.
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from organisations.models import Council

from ...counting import (
    AGE_BANDS,
    DELIVERY_CLASSES,
    MANAGEMENT_TYPES,
    SALT_MECHANISMS,
    SUPPORT_REASONS,
    compute_figures,
    years_before,
)
from ...periods import parse_period

TABLES = [
    "organisations_council",
    "organisations_provider",
    "budgets_person",
    "budgets_personalbudget",
    "budgets_arrangement",
    "monitoring_populationfigure",
]

HAND_WRITTEN = """
WITH per_person AS (
    SELECT p.id, p.date_of_birth AS dob, p.primary_support_reason AS psr,
           bool_or(a.management_type = 'direct_payment' AND a.at_end) AS dp_e,
           bool_or(a.management_type = 'direct_payment_managed' AND a.at_end) AS dpm_e,
           bool_or(a.management_type = 'isf' AND a.at_end) AS isf_e,
           bool_or(a.management_type = 'commissioner_controlled' AND a.at_end) AS cc_e,
           bool_or(a.management_type = 'direct_payment') AS dp_d,
           bool_or(a.management_type = 'direct_payment_managed') AS dpm_d,
           bool_or(a.management_type = 'isf') AS isf_d,
           bool_or(a.management_type = 'commissioner_controlled') AS cc_d
    FROM (SELECT budget_id, management_type, (end_date IS NULL OR end_date >= %(end)s) AS at_end
          FROM budgets_arrangement
          WHERE council_id = %(council)s AND start_date <= %(end)s
            AND (end_date IS NULL OR end_date >= %(start)s)) a
    JOIN budgets_personalbudget b ON b.id = a.budget_id
    JOIN budgets_person p ON p.id = b.person_id
    WHERE b.status = 'approved'
    GROUP BY p.id, p.date_of_birth, p.primary_support_reason
), classified AS (
    SELECT *, dp_e::int + dpm_e::int + isf_e::int + cc_e::int AS n_e,
              dp_d::int + dpm_d::int + isf_d::int + cc_d::int AS n_d
    FROM per_person
)
SELECT CASE WHEN n_e = 0 THEN NULL WHEN n_e > 1 THEN 'mixed'
            WHEN dp_e THEN 'direct_payment_only' WHEN dpm_e THEN 'direct_payment_managed_only'
            WHEN isf_e THEN 'isf_only' ELSE 'commissioner_controlled_only' END,
       CASE WHEN n_d > 1 THEN 'mixed'
            WHEN dp_d THEN 'direct_payment_only' WHEN dpm_d THEN 'direct_payment_managed_only'
            WHEN isf_d THEN 'isf_only' ELSE 'commissioner_controlled_only' END,
       CASE WHEN dob > %(b18)s THEN '0-17' WHEN dob > %(b65)s THEN '18-64' WHEN dob > %(b75)s THEN '65-74'
            WHEN dob > %(b85)s THEN '75-84' ELSE '85+' END,
       psr, isf_e OR dpm_e, isf_d OR dpm_d, dp_e OR dpm_e, isf_e OR cc_e, count(*)
FROM classified
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""

HAND_WRITTEN_TYPES = """
SELECT a.management_type, count(*), coalesce(sum(a.annual_amount), 0)
FROM budgets_arrangement a JOIN budgets_personalbudget b ON b.id = a.budget_id
WHERE b.status = 'approved' AND a.council_id = %(council)s
  AND a.start_date <= %(end)s AND (a.end_date IS NULL OR a.end_date >= %(end)s)
GROUP BY a.management_type
"""


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


class Command(BaseCommand):
    help = "Benchmark the monitoring return on a synthetic council of N people in a separate schema."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=200_000)
        parser.add_argument("--period", default="2026-27")
        parser.add_argument("--repeat", type=int, default=3, help="runs of each; the median is reported")
        parser.add_argument("--schema", default="bench_monitoring")
        parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")

    def handle(self, *args, people: int, period: str, repeat: int, schema: str, keep: bool, **options):
        if people < 1:
            raise CommandError("--people must be at least 1.")
        if not schema.isidentifier() or schema == "public":
            raise CommandError("--schema must be a plain name other than public.")
        period_ = parse_period(period)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            source = cursor.fetchone()[0]
        started = time.perf_counter()
        try:
            with transaction.atomic():
                council_id, arrangements = self._build(schema=schema, source=source, people=people)
            built = time.perf_counter() - started
            self._use(schema)
            council = Council(pk=council_id, gss_code="E99999999", name="Benchmark council")
            orm_times, sql_times = [], []
            for _ in range(max(repeat, 1)):
                t0 = time.perf_counter()
                figures = compute_figures(council=council, period=period_)
                orm_times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                hand = self._hand_written(council_id=council_id, period=period_)
                sql_times.append(time.perf_counter() - t0)
            mismatches = self._compare(figures, hand)
        finally:
            self._use(source)
            if not keep:
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP SCHEMA IF EXISTS {_q(schema)} CASCADE")
        orm, sql = statistics.median(orm_times), statistics.median(sql_times)
        w = self.stdout.write
        w(
            f"synthetic council: {people:,} people, {arrangements:,} arrangements "
            f"(schema {schema}, built in {built:.1f} s)"
        )
        w(f"period: {period_.label}; median of {max(repeat, 1)} runs each")
        w(f"return (ORM, counting.compute_figures): {orm * 1000:.1f} ms")
        w(f"hand-written SQL GROUP BY:              {sql * 1000:.1f} ms")
        w(f"ratio (return / hand-written):          {orm / sql:.2f}")
        if mismatches:
            raise CommandError("The two methods disagree: " + "; ".join(mismatches))
        w("both give the same figures")

    def _use(self, schema: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET search_path TO {_q(schema)}")

    def _build(self, *, schema: str, source: str, people: int) -> tuple[int, int]:
        s = _q(schema)
        with connection.cursor() as c:
            c.execute(f"DROP SCHEMA IF EXISTS {s} CASCADE")
            c.execute(f"CREATE SCHEMA {s}")
            for table in TABLES:
                c.execute(f"CREATE TABLE {s}.{_q(table)} (LIKE {_q(source)}.{_q(table)} INCLUDING ALL)")
            c.execute("SELECT setseed(0.42)")
            council_id = self._insert(
                c,
                schema,
                "organisations_council",
                {
                    "gss_code": "'E99999999'",
                    "name": "'Benchmark council'",
                    "created_at": "now()",
                },
            )
            provider_id = self._insert(
                c,
                schema,
                "organisations_provider",
                {
                    "provider_ref": "'BENCH-1'",
                    "name": "'Benchmark provider'",
                    "created_at": "now()",
                },
            )
            reasons = "ARRAY[" + ",".join(f"'{r}'" for r in SUPPORT_REASONS) + "]"
            self._insert_many(
                c,
                schema,
                "budgets_person",
                {
                    "council_id": str(council_id),
                    "person_ref": "'B' || g",
                    "given_name": "''",
                    "family_name": "''",
                    "postcode": "''",
                    "date_of_birth": "date '1920-01-01' + (random() * 32000)::int",
                    "primary_support_reason": f"({reasons})[1 + floor(random() * 6)::int]",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
                f"generate_series(1, {int(people)}) AS g",
            )
            # One budget version per person; one in twenty is not approved (and must not count).
            self._insert_many(
                c,
                schema,
                "budgets_personalbudget",
                {
                    "person_id": "p.id",
                    "start_date": "date '2023-04-01'",
                    "status": "CASE WHEN random() < 0.05 THEN 'draft' ELSE 'approved' END",
                    "decision_reason": "''",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
                f"{s}.budgets_person AS p",
            )
            types = "ARRAY[" + ",".join(f"'{t}'" for t in MANAGEMENT_TYPES) + "]"
            # One to three arrangements per person, of random types, starting from 2023 to mid-2027;
            # four in ten have ended (or will end) on a random later day.
            self._insert_many(
                c,
                schema,
                "budgets_arrangement",
                {
                    "budget_id": "x.budget_id",
                    "council_id": str(council_id),
                    "management_type": "x.t",
                    "provider_id": (
                        f"CASE WHEN x.t IN ('isf', 'direct_payment_managed') THEN {provider_id} END"
                    ),
                    "annual_amount": "round((2000 + random() * 60000)::numeric, 2)",
                    "start_date": "x.s",
                    "end_date": "CASE WHEN random() < 0.4 THEN x.s + (random() * 900)::int END",
                    "budget_ref": "''",
                    "created_at": "now()",
                    "updated_at": "now()",
                },
                f"(SELECT b.id AS budget_id, ({types})[1 + floor(random() * 4)::int] AS t, "
                f"date '2023-01-01' + (random() * 1640)::int AS s "
                f"FROM {s}.budgets_personalbudget b, "
                "generate_series(1, 1 + floor(random() * 3)::int + 0 * b.id)) AS x",
            )
            for band, population in (("0-17", people), ("18-64", people * 6), ("65+", people * 2)):
                self._insert(
                    c,
                    schema,
                    "monitoring_populationfigure",
                    {
                        "council_id": str(council_id),
                        "year": "2026",
                        "age_band": f"'{band}'",
                        "population": str(population),
                        "imported_at": "now()",
                    },
                )
            c.execute(f"SELECT count(*) FROM {s}.budgets_arrangement")
            arrangements = c.fetchone()[0]
            for table in TABLES:
                c.execute(f"ANALYZE {s}.{_q(table)}")
        return council_id, arrangements

    def _fill_missing(self, c, schema: str, table: str, values: dict[str, str]) -> dict[str, str]:
        """Give any other NOT NULL column without a default (one another app may have added) a
        harmless value of its type, so the benchmark keeps working as the models grow."""
        c.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = %s AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [schema, table],
        )
        filled = dict(values)
        for column, data_type in c.fetchall():
            if column in filled:
                continue
            if "char" in data_type or data_type == "text":
                filled[column] = "''"
            elif data_type in ("integer", "bigint", "smallint", "numeric", "double precision", "real"):
                filled[column] = "0"
            elif data_type == "boolean":
                filled[column] = "false"
            elif data_type == "date":
                filled[column] = "current_date"
            elif data_type.startswith("timestamp"):
                filled[column] = "now()"
            elif data_type in ("jsonb", "json"):
                filled[column] = "'{}'"
        return filled

    def _insert(self, c, schema: str, table: str, values: dict[str, str]) -> int:
        values = self._fill_missing(c, schema, table, values)
        columns = ", ".join(_q(k) for k in values)
        c.execute(
            f"INSERT INTO {_q(schema)}.{_q(table)} ({columns}) "
            f"VALUES ({', '.join(values.values())}) RETURNING id"
        )
        return c.fetchone()[0]

    def _insert_many(self, c, schema: str, table: str, values: dict[str, str], source: str) -> None:
        values = self._fill_missing(c, schema, table, values)
        columns = ", ".join(_q(k) for k in values)
        c.execute(
            f"INSERT INTO {_q(schema)}.{_q(table)} ({columns}) "
            f"SELECT {', '.join(values.values())} FROM {source}"
        )

    def _hand_written(self, *, council_id: int, period) -> dict:
        end = period.end
        params = {
            "council": council_id,
            "start": period.start,
            "end": end,
            **{f"b{n}": years_before(end, n) for n in (18, 65, 75, 85)},
        }
        f = {
            "end": dict.fromkeys(DELIVERY_CLASSES, 0),
            "during": dict.fromkeys(DELIVERY_CLASSES, 0),
            "age": dict.fromkeys(AGE_BANDS, 0),
            "psr": dict.fromkeys(SUPPORT_REASONS, 0),
            "salt": dict.fromkeys(SALT_MECHANISMS, 0),
            "adults": {"personal_budgets": 0, "direct_payments": 0, "managed_third_party": 0},
            "mtp": {"people_at_period_end": 0, "people_during_period": 0},
            "types": {},
        }
        with connection.cursor() as c:
            c.execute(HAND_WRITTEN, params)
            for class_end, class_during, band, psr, mtp_end, mtp_during, dp_end, other_end, n in c.fetchall():
                f["during"][class_during] += n
                f["mtp"]["people_during_period"] += n if mtp_during else 0
                if class_end is None:
                    continue
                f["end"][class_end] += n
                f["age"][band] += n
                f["psr"][psr] += n
                f["mtp"]["people_at_period_end"] += n if mtp_end else 0
                if band != "0-17":
                    f["adults"]["personal_budgets"] += n
                    f["adults"]["direct_payments"] += n if dp_end else 0
                    f["adults"]["managed_third_party"] += n if mtp_end else 0
                    mechanism = (
                        "part_direct_payment"
                        if dp_end and other_end
                        else "direct_payment_only"
                        if dp_end
                        else "cassr_managed_personal_budget"
                    )
                    f["salt"][mechanism] += n
            c.execute(HAND_WRITTEN_TYPES, params)
            for management_type, count, total in c.fetchall():
                f["types"][management_type] = {"count": count, "annual_value": f"{total:.2f}"}
        return f

    def _compare(self, figures: dict, hand: dict) -> list[str]:
        pairs = [
            ("people at period end", figures["people_at_period_end"]["by_delivery"], hand["end"]),
            ("people during the period", figures["people_during_period"]["by_delivery"], hand["during"]),
            ("age bands", figures["by_age_band"], hand["age"]),
            ("support reasons", figures["by_primary_support_reason"], hand["psr"]),
            ("SALT", figures["salt"], hand["salt"]),
            ("adults", {k: figures["adults_at_period_end"][k] for k in hand["adults"]}, hand["adults"]),
            ("managed third party", figures["managed_third_party"], hand["mtp"]),
            (
                "management types",
                {
                    k: v
                    for k, v in figures["budgets_at_period_end"]["by_management_type"].items()
                    if v["count"]
                },
                hand["types"],
            ),
        ]
        problems = [f"{name}: {a} != {b}" for name, a, b in pairs if a != b]
        if figures["people_at_period_end"]["total"] != sum(hand["end"].values()):
            problems.append("people at period end total")
        return problems
