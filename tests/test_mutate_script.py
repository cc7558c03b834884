"""scripts/mutate.py (`make mutate`, issue 20): the order and budget of a mutant's tests, the second pass
for survivors the budget cut, and what the report says about them."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mutate():
    spec = importlib.util.spec_from_file_location("mutate_script", ROOT / "scripts" / "mutate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mutate_report(mutate):
    import mutate_report  # on the path mutate.py puts scripts/ on

    return mutate_report


@pytest.fixture
def run(mutate):
    run = mutate.MutationRun(
        [], workers=1, test_seconds=1.5, verbose=False, recheck_seconds=6.0, recheck_cpu=100.0
    )
    run.tests_by_function["monitoring.counting.x_count"] = {"t_cheap", "t_slow", "t_other"}
    run.cpu_by_test.update({"t_cheap": 0.2, "t_slow": 1.0, "t_other": 1.0})
    return run


MUTANT = "monitoring.counting.x_count__mutmut_7"


def test_the_first_pass_runs_the_cheapest_tests_within_the_budget(run):
    # 0.2 + 1.0 fit in 1.5 CPU-seconds; a third test of 1.0 does not
    assert run.plan(MUTANT, {}) == ["t_cheap", "t_other"]


def test_a_test_that_killed_a_sibling_goes_before_one_that_did_not(run):
    assert run.plan(MUTANT, {"t_slow": [1, 1], "t_other": [0, 3]}) == ["t_cheap", "t_slow"]


def test_the_second_pass_runs_only_the_tests_the_first_did_not(run):
    run.already_ran[MUTANT] = {"t_cheap", "t_other"}
    run.budget = run.recheck_seconds
    assert run.plan(MUTANT, {}) == ["t_slow"]


def test_a_second_pass_kill_adds_to_what_the_first_pass_ran(run):
    run.first_pass[MUTANT] = {"exit_code": 0, "tests": 2, "ran": 2, "covering": 3, "cpu": 1.2}
    merged = run.merged(MUTANT, {"exit_code": 1, "tests": 1, "ran": 1, "cpu": 1.0, "killer": "t_slow"})
    assert merged["exit_code"] == 1
    assert merged["killer"] == "t_slow"
    assert (merged["ran"], merged["covering"], merged["cpu"]) == (3, 3, 2.2)
    assert merged["rechecked"] == {"ran": 1, "cpu": 1.0, "exit_code": 1}


def test_a_second_pass_survivor_stays_a_survivor(run):
    run.first_pass[MUTANT] = {"exit_code": 0, "tests": 2, "ran": 2, "covering": 3, "cpu": 1.2}
    merged = run.merged(MUTANT, {"exit_code": 0, "tests": 1, "ran": 1, "cpu": 1.0})
    assert merged["exit_code"] == 0
    assert merged["ran"] == merged["covering"] == 3


def test_a_listed_equivalent_runs_only_its_likeliest_killer_and_no_second_pass(run):
    whole = run.plan(MUTANT, {})
    run.listed_equivalent = {MUTANT}
    assert len(whole) == 2 and run.plan(MUTANT, {}) == whole[:1]
    run.results[MUTANT] = {"exit_code": 0, "ran": 1, "covering": 3}
    run.ran_tests[MUTANT] = {"t_slow"}
    other = "monitoring.counting.x_count__mutmut_8"
    run.results[other] = {"exit_code": 0, "ran": 1, "covering": 3}
    run.ran_tests[other] = {"t_cheap"}
    run.recheck_seconds = 0.0  # candidates are chosen before any child would start: none is started
    run.check = lambda session, by_id, databases, queue, cap=None, estimate=None: 0.0
    run.recheck(None, {}, [])
    assert run.second_pass["candidates"] == 1  # the other survivor; not the listed equivalent
    assert list(run.first_pass) == [other]


class _Item:
    def __init__(self, path, n):
        self.path, self.nodeid = path, f"{path}::t{n}"


def test_the_calibration_sample_is_runs_of_neighbours_spread_over_the_suite(mutate):
    items = [_Item(f"tests/test_{k // 7}.py", k) for k in range(200)]
    sample = mutate.calibration_sample(items, runs=4, length=5)
    assert [[i.nodeid for i in run][0] for run in sample] == [items[k].nodeid for k in (0, 50, 100, 150)]
    assert all(len(run) == 5 for run in sample)
    assert all(items.index(run[-1]) - items.index(run[0]) == 4 for run in sample)  # neighbours
    assert mutate.calibration_sample(items[:12], runs=4, length=5) == [items[:12]]


def test_the_coverage_factor_is_the_median_ratio_so_one_cold_test_does_not_double_the_budget(mutate):
    covered = {f"t{k}": 0.2 for k in range(9)}
    plain = {f"t{k}": 0.1 for k in range(8)} | {"t8": 4.0}  # one test paid for a cold cache
    assert mutate.coverage_factor(plain, covered) == pytest.approx(0.5)
    assert mutate.coverage_factor({"a": 0.1, "b": 0.3}, {"a": 0.2, "b": 0.2, "c": 9.0}) == pytest.approx(1.0)
    assert mutate.coverage_factor({"a": 0.1, "b": 0.2}, {"a": 0.4, "b": 0.4}) == pytest.approx(0.375)
    assert mutate.coverage_factor({}, covered) == 1.0
    assert mutate.coverage_factor({"gone": 0.1}, {"gone": 0.0}) == 1.0


def test_the_report_says_which_survivors_ran_all_their_tests(mutate_report, tmp_path, monkeypatch, capsys):
    mutants = tmp_path / "mutants"
    (mutants / "monitoring").mkdir(parents=True)
    names = [f"monitoring.counting.x_count__mutmut_{i}" for i in range(1, 6)]
    codes = dict(zip(names, [1, 1, 0, 0, 0], strict=True))
    (mutants / "monitoring" / "counting.py.meta").write_text(
        json.dumps({"exit_code_by_key": codes, "durations_by_key": {}})
    )
    run_file = mutants / "mutate-run.json"
    run_file.write_text(
        json.dumps(
            {
                "results": {
                    names[0]: {"exit_code": 1, "ran": 1, "covering": 3},
                    names[1]: {"exit_code": 1, "ran": 3, "covering": 3, "rechecked": {"exit_code": 1}},
                    names[2]: {"exit_code": 0, "ran": 3, "covering": 3},
                    names[3]: {"exit_code": 0, "ran": 3, "covering": 3, "rechecked": {"exit_code": 0}},
                    names[4]: {"exit_code": 0, "ran": 2, "covering": 3},
                },
                "second_pass": {
                    "candidates": 3,
                    "rechecked": 2,
                    "killed": 1,
                    "cpu_seconds": 4.5,
                    "wall_seconds": 5.0,
                    "cap_cpu_seconds": 100.0,
                    "recheck_seconds": 6.0,
                },
            }
        )
    )
    monkeypatch.setattr(mutate_report, "MUTANTS", mutants)
    monkeypatch.setattr(mutate_report, "RUN_FILE", run_file)
    monkeypatch.setattr(mutate_report, "EQUIVALENTS", tmp_path / "none.md")
    assert mutate_report.report(diffs=False, env={}) == 0
    out = capsys.readouterr().out
    assert "monitoring.counting" in out and " 40.0%" in out
    assert f"survived  {names[3]} (ran 3 of 3 covering tests, re-checked)" in out
    assert f"survived  {names[4]} (ran 2 of 3 covering tests)" in out
    assert (
        "Of the 3 survivors the last run checked, 2 ran all their covering tests (1 of them in the second "
        "pass) and 1 were cut by the CPU budget (0 of them re-checked in the second pass and cut again)."
    ) in out
    assert (
        "Second pass: 2 of the 3 survivors cut by the budget re-checked with their other covering tests "
        "(up to 6.0 CPU-s each), 1 killed; 4.5 CPU-s (cap 100.0), 5.0 s."
    ) in out
    assert "Listed in mutmut-equivalents.md but killed" not in out

    listed = tmp_path / "listed.md"
    listed.write_text(f"- `{names[0]}`: judged equivalent once\n- `{names[2]}`: still equivalent\n")
    monkeypatch.setattr(mutate_report, "EQUIVALENTS", listed)
    assert mutate_report.report(diffs=False, env={}) == 0
    out = capsys.readouterr().out
    assert f"number names another mutant now: check the entry again): {names[0]}" in out
    assert f"survived  {names[2]}" not in out  # a listed survivor is not among the survivors shown


def test_a_changed_file_mutmut_does_not_mutate_is_copied_again(mutate, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = tmp_path / "app"
    app.mkdir()
    (app / "models.py").write_text("VERSION = 2\n")
    (app / "services.py").write_text("def f():\n    return 2\n")
    (app / "new.py").write_text("NEW = True\n")
    stale = tmp_path / "mutants" / "app"
    stale.mkdir(parents=True)
    (stale / "models.py").write_text("VERSION = 1\n")  # from an earlier run
    (stale / "services.py").write_text("# mutmut's mutants\n")
    monkeypatch.setattr(mutate, "MUTANTS", tmp_path / "mutants")
    monkeypatch.setattr(
        "mutmut.utils.file_utils.walk_all_files",
        lambda: [("app", "models.py"), ("app", "services.py"), ("app", "new.py")],
    )

    class OnlyServices:
        def should_mutate(self, path):
            return str(path).endswith("services.py")

    mutate.refresh_unmutated_sources(OnlyServices())
    assert (stale / "models.py").read_text() == "VERSION = 2\n"
    assert (stale / "new.py").read_text() == "NEW = True\n"
    assert (stale / "services.py").read_text() == "# mutmut's mutants\n"  # mutmut's to make again


def test_a_child_puts_back_the_project_s_per_process_state_before_each_mutant(mutate):
    """A mutant on while a per-process cache filled leaves its SQL there for the next mutant's tests, and
    one in a register function a test calls leaves its rule registered: each child finds every such cache
    (functools caches in the project's modules, the kept queries) and registry, and empties the caches and
    restores the registries before each mutant, and touches no library's."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import resolvers

    from budgets import imports as budget_imports
    from budgets import selectors as budget_selectors
    from organisations import kept_queries
    from providers import hooks
    from providers.ledger import selectors as ledger_selectors
    from tests import factories

    kept_queries._KEPT["left by a mutant"] = "its SQL"
    rules_before, hooks_before = list(budget_selectors._EXTRA_VISIBILITY_RULES), list(hooks._ON_END)
    # What an import earlier in this process left (the day of its check), or nothing.
    today_before = list(budget_imports._TODAY)
    resetters = mutate.process_state_resetters()
    assert budget_selectors._approval_summary_sql.cache_clear in resetters
    assert ledger_selectors._held_in_list_order_sql.cache_clear in resetters
    assert resolvers._get_cached_resolver.cache_clear not in resetters
    # The tests' own caches stay: the test password's hash cannot change with a mutant, and making it
    # again (Argon2, on purpose slow) before each mutant was most of a killed mutant's CPU.
    assert factories._password_hash.cache_clear not in resetters
    # The content types' ids change when a transaction=True test empties a worker's database.
    assert ContentType.objects.clear_cache in resetters

    def left_by_a_mutant(*args, **kwargs):
        raise AssertionError("a rule a mutant failed to take out again")

    budget_selectors._EXTRA_VISIBILITY_RULES.append(left_by_a_mutant)
    hooks._ON_END[:] = []
    budget_imports._TODAY[:] = ["a day a mutant left set"]
    try:
        for reset in resetters:
            reset()
        assert kept_queries._KEPT == {}
        assert rules_before == budget_selectors._EXTRA_VISIBILITY_RULES
        assert hooks_before == hooks._ON_END and hooks_before
        assert today_before == budget_imports._TODAY
    finally:
        budget_selectors._EXTRA_VISIBILITY_RULES[:] = rules_before
        hooks._ON_END[:] = hooks_before
        budget_imports._TODAY[:] = today_before


def _run_quietly_in_a_session(tmp_path, loop: str) -> list:
    """Run `loop` (the body of a pytest_runtestloop with `m` the runner, `items` by name and `anchor`)
    in a pytest session of its own over the test files already written to tmp_path; its result list."""
    import subprocess
    import sys

    (tmp_path / "conftest.py").write_text(
        "import importlib.util, json\n"
        f"spec = importlib.util.spec_from_file_location('m', {str(ROOT / 'scripts' / 'mutate.py')!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "def pytest_runtestloop(session):\n"
        "    items = {i.name: i for i in session.items}\n"
        "    anchor = m._Anchor(session)\n"
        f"    runs = {loop}\n"
        "    (session.config.rootpath / 'out.json').write_text(json.dumps(runs))\n"
        "    return True\n"
    )
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:django", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    return json.loads((tmp_path / "out.json").read_text())


def test_a_test_after_a_killed_mutant_is_set_up_as_if_it_came_next(tmp_path):
    """A kill ends a mutant's tests early: the killing test was torn down for the next test in its plan,
    which never ran, so its module's fixtures were kept. The next mutant's first test, from another
    module, must still be set up and run (pytest refused: "previous item was not torn down properly",
    and the mutant counted as killed by a test that never ran)."""
    (tmp_path / "test_a.py").write_text(
        "import pytest\n"
        "@pytest.fixture(scope='module')\n"
        "def shared():\n    yield 'a'\n"
        "def test_killer(shared):\n    assert shared == 'a'\n"
        "def test_next_in_plan(shared):\n    assert shared == 'a'\n"
    )
    (tmp_path / "test_b.py").write_text(
        "import pytest\n"
        "@pytest.fixture\n"
        "def prepared():\n    yield 'set up'\n"
        "def test_other_mutants_first(prepared):\n    assert prepared == 'set up'\n"
    )
    runs = _run_quietly_in_a_session(
        tmp_path,
        "[m.run_quietly(items['test_killer'], items['test_next_in_plan']), "
        "m.run_quietly(items['test_other_mutants_first'], anchor)]",
    )
    assert runs == [True, True]


def test_a_test_using_tmp_path_passes_each_time_it_is_run_quietly(tmp_path):
    """run_quietly makes no reports, but tmp_path's teardown reads what pytest's report hook records of
    the test: without it every test using tmp_path failed at teardown, and every mutant whose plan
    reached one was counted killed (the import modules' "kills", and the 3,502 re-checks of a whole run).
    A test failing in its call still fails."""
    (tmp_path / "test_files.py").write_text(
        "def test_writes_a_file(tmp_path):\n    (tmp_path / 'a.csv').write_text('x')\n"
        "    assert (tmp_path / 'a.csv').read_text() == 'x'\n"
        "def test_fails(tmp_path):\n    assert (tmp_path / 'missing.csv').exists()\n"
    )
    runs = _run_quietly_in_a_session(
        tmp_path,
        "[m.run_quietly(items[name], anchor) for name in "
        "('test_writes_a_file', 'test_writes_a_file', 'test_fails', 'test_writes_a_file')]",
    )
    assert runs == [True, True, False, True]


def test_a_mutant_over_its_cpu_limit_is_stopped_even_inside_a_catch_all(tmp_path):
    """A mutant that loops inside `except Exception` swallowed the CPU timer's exception and spun until
    the parent's deadline (30 minutes of one core). The timer's exception is not an Exception, comes again
    each second, and run_quietly lets it through, so the mutant ends as a timeout, not as a failing test."""
    (tmp_path / "test_spin.py").write_text(
        "def test_spins():\n"
        "    while True:\n"
        "        try:\n"
        "            sum(range(1000))\n"
        "        except Exception:\n"
        "            pass\n"
    )
    (tmp_path / "timer.py").write_text(
        "import signal\n"
        "def timed(m, item, anchor):\n"
        "    def over_time(signum, frame):\n"
        "        raise m.OverTime()\n"
        "    signal.signal(signal.SIGPROF, over_time)\n"
        "    signal.setitimer(signal.ITIMER_PROF, 0.2, 0.2)\n"
        "    try:\n"
        "        return m.run_quietly(item, anchor)\n"
        "    except m.OverTime:\n"
        "        return 'timed out'\n"
        "    finally:\n"
        "        signal.setitimer(signal.ITIMER_PROF, 0)\n"
    )
    runs = _run_quietly_in_a_session(tmp_path, "__import__('timer').timed(m, items['test_spins'], anchor)")
    assert runs == "timed out"


def test_the_equivalents_file_names_every_mutant_in_full(mutate_report):
    """The report counts only whole backticked names as equivalent: a short `_88` after a full name was
    silently left a survivor (three entries were, until 29 Nov), and its mutant spent a whole budget."""
    text = mutate_report.EQUIVALENTS.read_text()
    short = [line.strip() for line in text.splitlines() if re.search(r"`_\d+`", line)]
    assert not short, short
    names = mutate_report.equivalents()
    assert all("." in name and name.split(".")[-1].startswith("x") for name in names), sorted(names)[:5]
    assert "surveys.disclosure.x_protect_outcome_report__mutmut_88" in names


def test_the_first_pass_lowers_the_budget_only_when_its_pace_would_miss_the_deadline(mutate):
    lowered = mutate.lowered_budget
    # A quarter done in 300 s: 900 s to go. Time enough, or not yet known: the budget stands.
    assert lowered(1.5, elapsed=300, done=25, total=100, seconds_left=900) == 1.5
    assert lowered(1.5, elapsed=300, done=4, total=100, seconds_left=10) == 1.5  # under 5% done
    assert lowered(1.5, elapsed=20, done=50, total=100, seconds_left=1) == 1.5  # under 30 s in
    # 900 s to go with 600 left: two thirds of the budget; with none left, a quarter.
    assert lowered(1.5, elapsed=300, done=25, total=100, seconds_left=600) == pytest.approx(1.0)
    assert lowered(1.5, elapsed=300, done=25, total=100, seconds_left=-50) == pytest.approx(0.375)
    assert lowered(1.5, elapsed=300, done=0, total=0, seconds_left=0) == 1.5


def test_the_second_pass_takes_only_the_time_left(mutate):
    assert mutate.second_pass_cap(300, seconds_left=600, workers=2) == 300
    assert mutate.second_pass_cap(300, seconds_left=100, workers=2) == pytest.approx(140)
    assert mutate.second_pass_cap(300, seconds_left=-5, workers=2) == 0
