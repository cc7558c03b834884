import io

import pytest
from django.core.management import call_command
from django.db import connection

from organisations.models import Council

pytestmark = pytest.mark.django_db


def test_the_benchmark_runs_in_its_own_schema_and_both_methods_agree(council):
    out = io.StringIO()
    call_command("bench_monitoring", people=300, repeat=1, stdout=out)
    text = out.getvalue()
    assert "synthetic council: 300 people" in text
    assert "return (ORM, counting.compute_figures):" in text
    assert "hand-written SQL GROUP BY:" in text
    assert "ratio (return / hand-written):" in text
    assert "both give the same figures" in text
    # The real tables were not touched, the schema is gone and the connection is back on its own schema.
    assert list(Council.objects.values_list("gss_code", flat=True)) == ["E06000059"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'bench_monitoring'"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT current_schema()")
        assert cursor.fetchone()[0] == "public"
