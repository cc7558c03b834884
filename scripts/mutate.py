"""`make mutate`: mutation testing (mutmut) of the modules that hold the rules, then a score per module.

mutmut makes the mutants (`[tool.mutmut]` in pyproject.toml says which modules, and which tests are the
fast tests of the rules); this script runs them, in ONE pytest session instead of one per mutant:

1. The selected tests are collected once, Django starts once and the test database is migrated once.
2. A first pass runs every test unmutated (it must be green) and records which mutated functions each
   test calls, which of their lines it runs (coverage.py, a context per test) and how much CPU time it
   takes. A mutant's covering tests are those that ran the statement it changes (scripts/mutant_lines.py:
   no other test can see it); where the change is in a function's signature, those that called the
   function. A mutant whose statement no test ran survives at once ("no tests").
3. The mutants of each function run in a child forked from that session (nothing they do reaches the
   session or another function's mutants; a child whose last killing test then fails with no mutant on
   was left in a bad state by one of them, so that function's mutants are checked again, each in a
   child of its own; one that leaves the database inside a transaction ends its child), on a test
   database of its worker's own (a copy of the first), running only its covering tests, in
   order of expected CPU per kill (a test's cost over its chance of killing it: tests that killed its
   siblings first, tests that kill elsewhere next, tests that ran on its siblings without killing any
   last). It stops at the first failure (killed) or once it has used --test-seconds of CPU, measured in
   the child (survived: no fast test of the rule fails). A child over
   its CPU limit is a timeout, counted as killed, as mutmut counts it. A mutant mutmut-equivalents.md
   lists runs its likeliest killer only (the report names it if that kills it: a stale entry).

    scripts/mutate.py [--workers N] [--test-seconds S] [--report-only] [--diffs] [GLOB ...]

GLOBs narrow the run to some mutants, e.g. "monitoring.counting.*". Results go to mutmut's files in
mutants/, so `.venv/bin/mutmut show NAME` shows a mutant's change. The score of a module is
killed / (killed + survived + no tests), timeouts counting as killed; survivors listed in
mutmut-equivalents.md (beside pyproject.toml) are reported separately and left out of the second score.
Uses its own test database (`test_<name>_mutate`, and `_w1`... copies), so it does not disturb `make test`.
"""

import argparse
import contextlib
import fnmatch
import json
import os
import select
import shutil
import signal
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))  # mutant_lines, when this file is loaded by path
from mutate_report import MUTANTS, RUN_FILE, equivalents, report, save  # noqa: E402 (after the path above)

TIMEOUT = 36  # mutmut's exit code for a timeout (counted as killed)
# A child's own exit status (never a mutant's): it stopped after a mutant left the database connection
# inside a transaction, so the mutants it had not reached go to a fresh child.
RESTART = 40
# The mean CPU-seconds of an unmutated test (without coverage) on the host the budgets were tuned on
# (28 November 2026: 982 tests in 75 CPU-s). On a host where tests cost more, the budgets grow with them.
REFERENCE_TEST_CPU = 0.076


def own_database(url: str) -> str:
    """The same server, a database of its own: test runs use `test_<name>_mutate`."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "personalised_support"
    return urlunsplit(parts._replace(path=f"/{name}_mutate"))


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def drop_test_databases(url: str) -> None:
    """Start from a fresh schema: the run migrates one test database and copies it for each worker."""
    test_name = "test_" + urlsplit(url).path.lstrip("/")
    with admin_connection(url) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname = %s OR datname LIKE %s",
            (test_name, test_name + "\\_w%"),
        ).fetchall()
        for (name,) in rows:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_other_apps() -> None:
    """mutmut copies only the apps it mutates (`source_paths`) into mutants/, where the tests run; an app
    added since (INSTALLED_APPS names it) would be missing there and every test would fail to import.
    Copy every other top-level package as it is, unmutated."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    handled = set(config.get("source_paths", [])) | set(config.get("also_copy", [])) | {"tests", "mutants"}
    for package in sorted(p.parent for p in ROOT.glob("*/__init__.py")):
        if package.name not in handled:
            shutil.copytree(
                package,
                MUTANTS / package.name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__"),
            )


def refresh_unmutated_sources(cfg) -> None:
    """mutmut copies the mutated apps' files into mutants/ only when missing there, so a file it does
    not mutate (a model, a view, a helper) that changed since the last run would stay as it was: copy
    every such file again whose modification time differs. (The mutated ones it makes again itself.)"""
    from mutmut.utils.file_utils import walk_all_files

    for root, name in walk_all_files():
        source = Path(root) / name
        if "__pycache__" in source.parts or (name.endswith(".py") and cfg.should_mutate(source)):
            continue
        target = MUTANTS / source
        if not target.exists() or target.stat().st_mtime != source.stat().st_mtime:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def generate() -> dict[str, list[str]]:
    """mutmut writes the mutated modules into mutants/; returns the mutant names by source file."""
    from mutmut.__main__ import (
        copy_also_copy_files,
        copy_src_dir,
        create_mutants,
        setup_source_paths,
    )
    from mutmut.configuration import config
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.trampoline import set_mutant_under_test
    from mutmut.utils.file_utils import walk_mutatable_files

    os.chdir(ROOT)
    config()  # read while in ROOT
    set_mutant_under_test("mutant_generation")
    MUTANTS.mkdir(exist_ok=True)
    copy_src_dir()
    refresh_unmutated_sources(config())
    copy_also_copy_files()
    setup_source_paths()
    started = time.monotonic()
    stats = create_mutants(2)
    copy_other_apps()
    by_path = {}
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        by_path[str(path)] = list(data.exit_code_by_key)
    total = sum(len(v) for v in by_path.values())
    print(
        f"make mutate: {total} mutants in {len(by_path)} modules ({stats.mutated} files mutated anew) "
        f"in {time.monotonic() - started:.1f} s",
        flush=True,
    )
    return by_path


def mangled(mutant_name: str) -> str:
    """`budgets.services.x_f__mutmut_3` -> `budgets.services.x_f` (the key of the stats)."""
    return mutant_name.rpartition("__mutmut_")[0]


class _Anchor:
    """A `nextitem` for pytest's teardown that keeps only the session (the migrated test database and
    other session fixtures) and tears down everything below it."""

    def __init__(self, session):
        self.session = session

    def listchain(self):
        return [self.session]


def database_backend_cpu() -> float:
    """CPU-seconds PostgreSQL's server process for this connection has used (read from /proc: the
    server runs on this machine), so the run's cost counts the database's work too. 0 if unreadable."""
    from django.db import connection

    try:
        # the open psycopg connection itself: outside a test pytest-django refuses Django's cursors
        pid = connection.connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except Exception:  # noqa: BLE001 - a remote server, or no connection: not measured
        return 0.0


# A mutant child may grow its memory this much over what it was forked with, then fails (MemoryError):
# some mutants loop building ever larger values (`sum()` over a Django expression took 22 GB and the
# machine's out-of-memory killer, which may pick another process: the database or someone's tests).
CHILD_MEMORY_GROWTH = 3 * 1024**3


def limit_memory() -> None:
    import resource

    size = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (size + CHILD_MEMORY_GROWTH, resource.RLIM_INFINITY))


def calibration_sample(items, runs: int = 10, length: int = 5) -> list[list]:
    """Runs of neighbouring tests spread over the suite, for the calibration pass. Neighbours, not every
    n-th test: a test run alone sets up its module's fixtures (a seeded council, a made return), which
    the unmutated pass shared between the module's tests, so a lone test looked dearer without coverage
    than with it (a ratio of 1.1 against 1.7 to 2.0 measured with whole modules, and the budgets too big)."""
    if len(items) <= runs * length:
        return [list(items)]
    step = len(items) // runs
    return [list(items[k : k + length]) for k in range(0, step * runs, step)]


def coverage_factor(plain: dict[str, float], covered: dict[str, float]) -> float:
    """What a test costs without coverage over what it cost with it: the median of the sampled tests'
    ratios, at most 1. On 29 Nov the ratio of sums, from a sample run once in a fresh child, came out at
    1/1.06 (the budgets doubled: 2.25 CPU-s a mutant) where a warmed sample's median gives 1/1.85, as
    every run before had found. A few tests' costs must not decide every mutant's budget."""
    ratios = sorted(plain[t] / covered[t] for t in plain if covered.get(t))
    if not ratios:
        return 1.0
    middle = len(ratios) // 2
    median = ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2
    return min(1.0, median)


# The first pass aims to end this long before the deadline, leaving time for the second pass and the report.
SECOND_PASS_RESERVE = 120.0


def lowered_budget(base: float, *, elapsed: float, done: float, total: float, seconds_left: float) -> float:
    """A mutant's budget for the next group of the first pass, so that the run ends by its deadline
    (`--minutes`): the pass's progress so far (`done` of `total` mutants) says how long the rest will
    take at this pace; if that is more than `seconds_left`, the budget shrinks
    in proportion, to a quarter at least. Only survivors spend their whole budget, so this takes off less
    than it says, and it is worked out again before each group. Early on (under 5% done, or 30 s) the
    pace is not known yet."""
    if total <= 0 or done < 0.05 * total or elapsed < 30:
        return base
    remaining = elapsed * (total - done) / done
    if remaining <= seconds_left:
        return base
    return base * max(0.25, seconds_left / remaining)


def second_pass_cap(recheck_cpu: float, seconds_left: float, workers: int) -> float:
    """The second pass's CPU-seconds: --recheck-cpu, or what fits before the deadline (the workers' CPU,
    about 0.7 of each core's time: PostgreSQL has the rest), whichever is less."""
    return max(0.0, min(recheck_cpu, seconds_left * workers * 0.7))


def process_state_resetters() -> list:
    """What puts back the state the project keeps per process, as it was when the child began: empties
    every cache (functools caches of SQL or of rendered forms, the kept queries' compiled SQL), so each
    mutant's tests build their SQL again under it, and restores every module-level registry (`_ON_MOVE`,
    `_EXTRA_VISIBILITY_RULES`, `budgets.imports._TODAY`...: a list, dict or set with a `_CAPITALS` name)
    to its contents then. A mutant on while a cache filled, or in a register or unregister function a test
    calls, leaves its mark there for the next mutant's tests, which then fail with no fault of their own
    (and made the run check the whole function again one mutant to a child). Found once a child, called
    before each mutant and before the child's end-of-function check."""
    resetters = []
    # Not the tests' own caches: they hold what no mutant can change (the test password's Argon2 hash,
    # 0.2 CPU-s to make again, was made again before every mutant: most of a killed mutant's cost).
    # The tests run from mutants/ (a copy of the project): its tests/ and scripts/ as well as ours.
    not_the_product = tuple(
        str(base / part) + os.sep for base in (ROOT, MUTANTS) for part in ("tests", "scripts")
    )
    kept = sys.modules.get("organisations.kept_queries")
    kept_sql = kept._KEPT if kept is not None else None
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None) or ""
        if not file.startswith(str(ROOT)) or "site-packages" in file or file.startswith(not_the_product):
            continue  # the project's modules only (mutated or not), not the libraries' or the tests'
        for name, value in list(vars(module).items()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and hasattr(value, "cache_info"):
                resetters.append(clear)
            elif value is kept_sql:
                resetters.append(value.clear)  # emptied, not restored: SQL kept with no mutant on hides one
            elif (
                name.startswith("_")
                and name[1:2].isupper()
                and name == name.upper()
                and isinstance(value, list | dict | set)
            ):
                resetters.append(_restorer(value))
    # A library cache too: the content types' ids. A test with transaction=True empties its database at
    # the end and the content types come back with new ids; a child forked later for the same database
    # kept the old ones, and every audit entry it wrote failed ("killing" most mutants it ran).
    content_types = sys.modules.get("django.contrib.contenttypes.models")
    if content_types is not None:
        resetters.append(content_types.ContentType.objects.clear_cache)
    return resetters


def _restorer(registry):
    """A function that puts `registry` (a list, dict or set) back as it is now, in place."""
    saved = registry.copy()
    if isinstance(registry, list):
        return lambda: registry.__setitem__(slice(None), saved)

    def restore():
        if registry != saved:
            registry.clear()
            registry.update(saved)

    return restore


class OverTime(BaseException):
    """A mutant's tests used up its CPU limit. Not an Exception: a mutant's loop inside `except Exception`
    (a job runner's, say) swallowed it and ran on until the parent's deadline, 30 minutes later."""


def left_in_a_transaction(connections) -> bool:
    """Whether a test left a database connection inside a transaction (Django's or the server's)."""
    from psycopg.pq import TransactionStatus

    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block or conn.needs_rollback:
            return True
        raw = conn.connection
        if raw is not None and not raw.closed and raw.info.transaction_status != TransactionStatus.IDLE:
            return True
    return False


def run_quietly(item, nextitem) -> bool:
    """Set up, call and tear down one test as pytest's runtestprotocol does, without making reports (a
    failure's report formats its whole traceback, which costs more CPU than most of these tests). Returns
    whether it passed (a skip passes)."""
    from _pytest.outcomes import Exit, Skipped
    from _pytest.runner import CallInfo
    from _pytest.tmpdir import tmppath_result_key

    def call_runtest_hook(item, when, **kwds):
        hook = getattr(item.ihook, f"pytest_runtest_{when}")
        return CallInfo.from_call(
            lambda: hook(item=item, **kwds), when=when, reraise=(Exit, KeyboardInterrupt, OverTime)
        )

    if hasattr(item, "_request") and not item._request:
        item._initrequest()  # run before: pytest-rerunfailures does the same
    # The test before may have been torn down for a next test that never came (its mutant was killed,
    # or its budget spent, so the next mutant's tests came instead): what it kept set up for that test
    # (its module's or class's fixtures) is torn down now, unless this test shares it. Left there, pytest
    # refuses to set this test up ("previous item was not torn down properly"), and the mutant looks
    # killed by a test that never ran.
    with contextlib.suppress(Exception):  # a finalizer's error is the test before's, not this one's
        item.session._setupstate.teardown_exact(item)
    try:
        passed = True
        # What pytest's report hook (not called here) records of each phase for the `tmp_path` fixture,
        # whose teardown reads it: without it every test using tmp_path failed at teardown (a KeyError),
        # so each mutant its plan reached was counted killed by a test that had passed.
        phases = item.stash.setdefault(tmppath_result_key, {})
        for when in ("setup", "call"):
            info = call_runtest_hook(item, when)
            phases[when] = info.excinfo is None
            if info.excinfo is not None:
                passed = info.excinfo.errisinstance(Skipped)
                break
        info = call_runtest_hook(item, "teardown", nextitem=nextitem)
        if info.excinfo is not None and not info.excinfo.errisinstance(Skipped):
            passed = False
    finally:
        item._request = False
        item.funcargs = None
    return passed


class MutationRun:
    """A pytest plugin that replaces the test loop: the unmutated pass, then every mutant."""

    def __init__(
        self,
        mutants: list[str],
        *,
        workers: int,
        test_seconds: float,
        verbose: bool,
        profile_dir=None,
        recheck_seconds: float = 0.0,
        recheck_cpu: float = 0.0,
        relative_budget: bool = False,
        deadline: float | None = None,
    ):
        self.mutants = mutants
        self.deadline = deadline  # time.monotonic() by which the run should end (--minutes), or None
        self.weight_done = self.weight_total = 0.0  # the first pass's progress, in mutants
        self.lowered: dict[str, float] = {}  # mutant -> the lowered budget it ran with
        self.profile_dir = profile_dir
        self.workers = workers
        self.test_seconds = test_seconds
        self.budget = test_seconds  # a mutant's CPU budget in the pass under way
        self.relative_budget = relative_budget
        self.coverage_factor = 1.0  # a test's CPU in a mutant's child over its CPU under coverage
        self.host_factor = 1.0  # this host's mean test CPU over REFERENCE_TEST_CPU
        self.recheck_seconds = recheck_seconds
        self.recheck_cpu = recheck_cpu
        # function -> test -> [kills, runs] over its mutants checked so far (what the second pass orders by)
        self.function_tally: dict[str, dict[str, list[int]]] = defaultdict(
            lambda: defaultdict(lambda: [0, 0])
        )
        # second pass: a survivor cut by the budget -> the covering tests it ran in the first pass
        self.already_ran: dict[str, set[str]] = {}
        self.first_pass: dict[str, dict] = {}  # the first pass's outcome of each re-checked mutant
        self.ran_tests: dict[str, set[str]] = {}  # a survivor -> the covering tests it ran
        self.second_pass: dict = {}
        self.verbose = verbose
        self.results: dict[str, dict] = {}
        self.tests_by_function: dict[str, set[str]] = defaultdict(set)
        # mutated file (absolute, under mutants/) -> the mutants in it, for the line coverage
        self.mutant_files: dict[str, list[str]] = {}
        # a mutant -> the tests that ran the statement it changes (missing: every caller of its function)
        self.tests_by_mutant: dict[str, set[str]] = {}
        self.databases: list[str] = []  # the test database and its copies, one a worker
        self.cpu_by_test: dict[str, float] = {}
        # test -> [kills, runs] over the mutants checked so far (a child inherits it when forked)
        self.tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.clean_failures: list[str] = []
        # mutants mutmut-equivalents.md lists: judged survivors, so each runs its likeliest killer only,
        # enough to find an entry gone stale (its function changed, so its number names another mutant)
        self.listed_equivalent: set[str] = set()
        self.stats_seconds = 0.0
        self.database_cpu = 0.0
        self.restarts = 0  # children stopped because a mutant left a transaction open (RESTART)
        self.poisoned = 0  # functions checked again one mutant to a child (see run_group)
        self.poisoned_mutants = 0  # their killed mutants, each checked again
        self.poisoned_by: dict[str, str] = {}  # such a function -> the test that failed with no mutant on
        self.on_progress = None

    # -- pass 1: every test unmutated ----------------------------------------------------------

    def stats_pass(self, session) -> None:
        """Every test once, unmutated: the first here (it migrates the test database), then the rest in
        `self.workers` forked children at once, each on its worker's database, in runs of neighbouring
        tests (so module fixtures are shared as in a plain pytest run)."""
        from django.db import connections
        from mutmut.mutation.trampoline import set_mutant_under_test

        anchor = _Anchor(session)
        items = session.items
        set_mutant_under_test("stats")
        started_wall, started_cpu = time.monotonic(), time.process_time()
        by_line: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        children_cpu = 0.0
        if items:
            self.merge_unmutated(self.run_unmutated(items[:1], anchor, lines=False), by_line)
            connections.close_all()  # each child opens its own connection
            databases = self.worker_databases()
            # the first test again (its time included migrating), then the rest, in runs of neighbours
            size = max(1, -(-len(items) // (4 * self.workers)))
            queue = [items[k : k + size] for k in range(0, len(items), size)]
            running: dict[int, tuple[int, Path]] = {}
            free = list(range(self.workers))
            while queue or running:
                while queue and free:
                    slot, chunk = free.pop(0), queue.pop(0)
                    out = MUTANTS / f"mutate-unmutated-{slot}.json"
                    pid = os.fork()
                    if pid == 0:
                        try:
                            self.use_database(databases[slot])
                            out.write_text(json.dumps(self.run_unmutated(chunk, anchor, lines=True)))
                        except BaseException:
                            import traceback

                            traceback.print_exc()
                            os._exit(35)
                        os._exit(0)
                    running[pid] = (slot, out)
                pid, status, rusage = os.wait4(-1, 0)
                if pid not in running:
                    continue
                slot, out = running.pop(pid)
                free.append(slot)
                children_cpu += rusage.ru_utime + rusage.ru_stime
                if os.waitstatus_to_exitcode(status) != 0:
                    raise RuntimeError("make mutate: a process of the unmutated pass failed (see above)")
                self.merge_unmutated(json.loads(out.read_text()), by_line)
                out.unlink()
        set_mutant_under_test("")
        self.cover_lines(by_line)
        if items:
            children_cpu += self.calibrate(items, anchor)
        self.stats_seconds = time.process_time() - started_cpu + children_cpu
        MUTANTS.joinpath("mutate-stats.json").write_text(
            json.dumps(
                {
                    "cpu_by_test": self.cpu_by_test,
                    "tests_by_function": {k: sorted(v) for k, v in self.tests_by_function.items()},
                },
                indent=1,
            )
        )
        print(
            f"make mutate: {len(items)} tests unmutated in {time.monotonic() - started_wall:.0f} s "
            f"({self.stats_seconds:.0f} CPU-s), {len(self.clean_failures)} failed",
            flush=True,
        )

    def calibrate(self, items, anchor) -> float:
        """Coverage makes the unmutated pass's tests cost more CPU than they do in a mutant's child: run
        a sample of them again without it (in a child) and scale every test's cost by the sample's ratio.
        Then the host's speed: the budgets (--test-seconds, --recheck-seconds) are for a host whose mean
        test costs REFERENCE_TEST_CPU, and scale with this one's. Returns the child's CPU-seconds."""
        sample = calibration_sample(items)
        out = MUTANTS / "mutate-calibrate.json"
        pid = os.fork()
        if pid == 0:
            try:
                self.use_database(self.databases[0])
                cpu = {}
                # Twice: the first time fills what the process makes once (as the unmutated pass's
                # workers had), the second is measured.
                for measured in (False, True):
                    for run in sample:
                        for i, item in enumerate(run):
                            before = time.process_time()
                            run_quietly(item, run[i + 1] if i + 1 < len(run) else anchor)
                            if measured and i and item.path == run[i - 1].path:  # not its module's set-up
                                cpu[item.nodeid] = time.process_time() - before
                out.write_text(json.dumps(cpu))
            except BaseException:
                os._exit(35)
            os._exit(0)
        _, status, rusage = os.wait4(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            plain = json.loads(out.read_text())
            out.unlink()
            self.coverage_factor = coverage_factor(plain, self.cpu_by_test)
            for test in self.cpu_by_test:
                self.cpu_by_test[test] *= self.coverage_factor
            for test, cpu in plain.items():
                self.cpu_by_test[test] = cpu
        mean = sum(self.cpu_by_test.values()) / max(len(self.cpu_by_test), 1)
        if self.relative_budget:
            self.host_factor = max(mean / REFERENCE_TEST_CPU, 0.25)
            self.test_seconds *= self.host_factor
            self.recheck_seconds *= self.host_factor
            self.budget = self.test_seconds
        print(
            f"make mutate: coverage multiplied the tests' CPU by {1 / self.coverage_factor:.2f}; a test "
            f"costs {mean:.3f} CPU-s on average here, {self.host_factor:.2f} times the reference host's "
            f"{REFERENCE_TEST_CPU}, so a mutant's budget is {self.test_seconds:.2f} CPU-s "
            f"({self.recheck_seconds:.1f} in the second pass)",
            flush=True,
        )
        return rusage.ru_utime + rusage.ru_stime

    def run_unmutated(self, items, anchor, *, lines: bool) -> dict:
        """Run these tests unmutated; what each cost, which mutated functions it called and (with
        `lines`) which of their lines it ran, as JSON-ready data."""
        from _pytest.runner import runtestprotocol
        from mutmut.state import state

        coverage_run = None
        if lines and self.mutant_files:
            import coverage

            coverage_run = coverage.Coverage(
                data_file=None, include=list(self.mutant_files), config_file=False
            )
            coverage_run.set_option("run:disable_warnings", ["no-data-collected"])  # a run of other tests
            coverage_run.start()
        cpu, functions, failed = {}, defaultdict(list), []
        for i, item in enumerate(items):
            if coverage_run:
                coverage_run.switch_context(item.nodeid)
            before = time.process_time()
            reports = runtestprotocol(
                item, nextitem=items[i + 1] if i + 1 < len(items) else anchor, log=False
            )
            cpu[item.nodeid] = time.process_time() - before
            if any(r.failed for r in reports):
                failed.append(item.nodeid)
                for r in reports:
                    if r.failed:
                        print(r.longreprtext[-3000:], file=sys.stderr)
            for function in state()._stats:
                functions[function].append(item.nodeid)
            state()._stats.clear()
        covered = {}
        if coverage_run:
            coverage_run.stop()
            data = coverage_run.get_data()
            for path in self.mutant_files:
                covered[path] = {
                    number: [c for c in contexts if c]
                    for number, contexts in data.contexts_by_lineno(path).items()
                }
        return {
            "cpu_by_test": cpu,
            "tests_by_function": functions,
            "failed": failed,
            "lines": covered,
            "database_cpu": database_backend_cpu(),
        }

    def merge_unmutated(self, part: dict, by_line) -> None:
        self.cpu_by_test.update(part["cpu_by_test"])  # the first test: its second time, without migrating
        for function, tests in part["tests_by_function"].items():
            self.tests_by_function[function].update(tests)
        self.clean_failures += [t for t in part["failed"] if t not in self.clean_failures]
        for path, numbers in part["lines"].items():
            for number, tests in numbers.items():
                by_line[path][int(number)].update(tests)
        self.database_cpu += part["database_cpu"]

    def use_database(self, database: str) -> None:
        """In a forked child: every connection to this worker's copy of the test database, and the cache
        (rate-limit counts) to a Redis database of this worker's own: the tests clear the counts between
        them, which would reset another worker's test half-way through (a false kill, or a failure of
        the unmutated pass)."""
        from urllib.parse import urlsplit

        from django.conf import settings
        from django.core.cache import caches
        from django.db import connections

        for conn in connections.all():
            conn.settings_dict["NAME"] = database
        settings.DATABASES["default"]["NAME"] = database
        slot = self.databases.index(database) if database in self.databases else 0
        location = caches.settings["default"].get("LOCATION")
        if slot and isinstance(location, str) and location.startswith("redis"):
            parts = urlsplit(location)
            db = (int(parts.path.strip("/") or 0) + slot) % 16
            caches.settings["default"]["LOCATION"] = parts._replace(path=f"/{db}").geturl()
            with contextlib.suppress(AttributeError):  # made again, on the new location, when next used
                del caches["default"]

    def worker_databases(self) -> list[str]:
        """The migrated test database and a copy of it for each other worker (made once a run)."""
        from django.db import connections

        if not self.databases:
            base = connections["default"].settings_dict["NAME"]
            self.databases = [base]
            with admin_connection(os.environ["DATABASE_URL"]) as conn:
                for k in range(1, self.workers):
                    copy = f"{base}_w{k}"
                    conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
                    conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{base}"')
                    self.databases.append(copy)
        return self.databases

    def cover_lines(self, by_line: dict[str, dict[int, set[str]]]) -> None:
        """Each mutant's covering tests, from the lines each test ran: see scripts/mutant_lines.py."""
        from mutant_lines import tests_by_mutant

        for path, names in self.mutant_files.items():
            for name, tests in tests_by_mutant(Path(path), names, by_line.get(path, {})).items():
                if tests is not None:
                    # only a function's callers can run its lines (a test outside it: a line shared by name)
                    self.tests_by_mutant[name] = tests & self.tests_by_function.get(mangled(name), set())

    def tests_for(self, mutant: str) -> set[str]:
        """The tests that can see this mutant: those that ran its statement, or its function's callers."""
        tests = self.tests_by_mutant.get(mutant)
        return tests if tests is not None else self.tests_by_function.get(mangled(mutant), set())

    # -- pass 2: the mutants --------------------------------------------------------------------

    def plan(self, mutant: str, siblings: dict[str, list[int]]) -> list[str]:
        """The covering tests in the order to run them, cut at the budget (--test-seconds, or in the
        second pass --recheck-seconds, leaving out the tests the first pass ran) of measured CPU time.

        Ordered by expected CPU per kill: a test's cost over its chance of killing this mutant. The
        chance is (kills + 2 * prior) / (runs + 2) over this function's mutants checked so far, the prior
        being the test's kill rate over every function checked before (Laplace: (kills + 1) / (runs + 2)).
        So a test that killed a sibling comes first, and one that ran on siblings without killing any
        goes back, behind tests not yet tried."""

        def expected_cost(test: str) -> tuple[float, str]:
            kills, runs = siblings.get(test, (0, 0))
            all_kills, all_runs = self.tally.get(test, (0, 0))
            prior = (all_kills + 1) / (all_runs + 2)
            chance = (kills + 2 * prior) / (runs + 2)
            return (max(self.cpu_by_test.get(test, 0.0), 0.001) / chance, test)

        done = self.already_ran.get(mutant, ())
        tests = sorted((t for t in self.tests_for(mutant) if t not in done), key=expected_cost)
        kept, spent = [], 0.0
        for test in tests:
            cost = self.cpu_by_test.get(test, 0.0)
            if (
                kept
                and spent + cost > self.budget
                and not (siblings.get(test, (0, 0))[0] and spent < self.budget)
            ):
                continue  # too slow for what is left of the budget; a quicker one may still fit
            kept.append(test)
            spent += cost
        return kept[:1] if mutant in self.listed_equivalent else kept

    def run_group(self, session, by_id, mutants: list[str], database: str, fd) -> None:
        """In a forked child: the mutants of one function, one after another. For each, switch it on and
        run its planned tests until the first failure; write one line of JSON per mutant to `fd`.

        One child for the function, not one per mutant: forking this process and connecting to the
        database cost more CPU than most of these tests. What one mutant could leave behind for its
        sibling is what any test could leave for the next (each test's database work is rolled back), and
        a child never carries anything back to the session it was forked from. The exception is a mutant
        that leaves the database connection inside a transaction (an error past a test's rollback): every
        later test in this child would then fail at its first query and "kill" its mutant, so the child
        stops there (RESTART) and its remaining mutants go to a fresh child."""
        from django.db import connections
        from mutmut.mutation.trampoline import set_mutant_under_test

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        limit_memory()
        self.use_database(database)
        anchor = _Anchor(session)
        # test -> [kills, runs] on this function's mutants: here, and in the second pass the first's too
        siblings: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        if mutants[0] in self.already_ran:
            for test, (kills, runs) in self.function_tally[mangled(mutants[0])].items():
                siblings[test] = [kills, runs]

        def over_time(signum, frame):
            raise OverTime()

        signal.signal(signal.SIGPROF, over_time)
        profiler = None
        if self.profile_dir:
            import cProfile

            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
        last_killer = None
        killed_here: list[str] = []
        resetters = process_state_resetters()
        for mutant in mutants:
            for reset in resetters:
                reset()
            tests = self.plan(mutant, siblings)
            estimate = sum(self.cpu_by_test.get(t, 0.0) for t in tests)
            started_cpu = time.process_time()
            set_mutant_under_test(mutant)
            # CPU time, not wall time: on a loaded machine a mutant is not slow because its neighbours are.
            # Again every second after: a catch-all that swallowed the first does not stop the next.
            signal.setitimer(signal.ITIMER_PROF, 10 + 5 * estimate, 1.0)
            outcome = {"mutant": mutant, "tests": len(tests), "ran": len(tests), "exit_code": 0}
            try:
                for i, nodeid in enumerate(tests):
                    if i and time.process_time() - started_cpu >= self.budget:
                        outcome["ran"] = i  # the budget is spent (measured here, not estimated): survived
                        break
                    nextitem = by_id[tests[i + 1]] if i + 1 < len(tests) else anchor
                    before = time.process_time()
                    passed = run_quietly(by_id[nodeid], nextitem)
                    if self.verbose:
                        outcome.setdefault("trace", []).append(
                            [nodeid, round(time.process_time() - before, 4), self.cpu_by_test.get(nodeid)]
                        )
                    siblings[nodeid][1] += 1
                    if not passed:
                        outcome.update(killer=nodeid, ran=i + 1, exit_code=1)
                        last_killer = nodeid
                        killed_here.append(mutant)
                        siblings[nodeid][0] += 1
                        break
                outcome["passed"] = tests[: outcome["ran"] - (outcome["exit_code"] == 1)]
            except OverTime:
                outcome.update(exit_code=TIMEOUT)
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
            if outcome["exit_code"] == TIMEOUT:
                os.write(fd, (json.dumps(outcome) + "\n").encode())
                os._exit(TIMEOUT)  # the test was stopped half-way: the next mutant gets a fresh child
            outcome["cpu"] = round(time.process_time() - started_cpu, 4)
            os.write(fd, (json.dumps(outcome) + "\n").encode())
            if left_in_a_transaction(connections):
                set_mutant_under_test("")
                os.write(fd, (json.dumps({"database_cpu": database_backend_cpu()}) + "\n").encode())
                os._exit(RESTART)
        set_mutant_under_test("")
        for reset in resetters:
            reset()  # what the last mutant left in a cache or registry is not what this check is for
        if last_killer and len(mutants) > 1 and not run_quietly(by_id[last_killer], anchor):
            # The test that killed the last mutant fails with no mutant on: something one mutant left
            # behind in this process (not the database's transaction, checked above) made tests fail for
            # the next, so these kills are not to be trusted. Each killed mutant goes to a child of its
            # own. Its survivors stand: what a mutant leaves behind can make a later test fail, not
            # pass, and every test a survivor ran passed (re-checking them too made the run's tail).
            os.write(fd, (json.dumps({"poisoned": killed_here, "test": last_killer}) + "\n").encode())
        outcome = {"database_cpu": database_backend_cpu()}
        os.write(fd, (json.dumps(outcome) + "\n").encode())
        if profiler:
            profiler.disable()
            profiler.dump_stats(str(Path(self.profile_dir) / f"{mangled(mutants[0])}.prof"))
        os._exit(0)

    def mutation_pass(self, session) -> None:
        import gc

        from django.db import connections

        by_id = {item.nodeid: item for item in session.items}
        connections.close_all()  # each child opens its own connection
        databases = self.worker_databases()
        url = os.environ["DATABASE_URL"]
        gc.collect()
        gc.freeze()  # a child's collector leaves the parent's objects alone (fewer pages copied)

        groups: dict[str, list[str]] = defaultdict(list)
        for mutant in sorted(self.mutants, key=lambda m: int(m.rpartition("__mutmut_")[2])):
            if self.tests_for(mutant):
                groups[mangled(mutant)].append(mutant)
            else:  # no test calls its function, or none runs the statement it changes
                self.results[mutant] = {
                    "exit_code": 33,
                    "cpu": 0.0,
                    "tests": 0,
                    "covering": 0,
                    "callers": len(self.tests_by_function.get(mangled(mutant), ())),
                }
        # The costliest functions first, so the two workers end together.
        queue = sorted(
            groups.values(),
            key=lambda g: -sum(self.cpu_by_test[t] for m in g for t in self.tests_for(m)),
        )
        self.started = time.monotonic()
        self.weight_total = sum(self.weight(g) for g in queue)
        self.mutation_cpu = self.check(session, by_id, databases, queue, weigh=True)
        if self.lowered:
            print(
                f"make mutate: to end within the time set, {len(self.lowered)} mutants ran with a budget "
                f"lowered to as little as {min(self.lowered.values()):.2f} CPU-s "
                f"(from {self.test_seconds:.2f})",
                flush=True,
            )
        self.mutation_seconds = time.monotonic() - self.started
        if self.recheck_cpu > 0 and self.recheck_seconds > 0:
            self.recheck(session, by_id, databases)
        with admin_connection(url) as conn:
            for copy in databases[1:]:
                conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')

    def weight(self, group: list[str]) -> float:
        """A group's share of the first pass, to tell its pace: its number of mutants. (Weighed by what
        each may cost at most, the costliest groups, which go first, made the pass look further on than
        it was: on 29 Nov it lowered almost no budget and the pass ended after its deadline. A mutant's
        cost is mostly the same whatever its tests: 8 to 10 mutants a second all through.)"""
        return float(len(group))

    def recheck(self, session, by_id, databases) -> None:
        """The second pass: survivors whose first pass was cut by the budget (some covering tests not run)
        run the covering tests they did not run, ordered as `plan` orders them but by the whole first
        pass's tally of their function (which tests killed its other mutants), each under
        --recheck-seconds of CPU, and all of them under --recheck-cpu CPU-seconds in all (children's
        CPU, counted as they finish; none is started once what is spent and what is under way reaches it).
        Survivors likeliest to be killed per CPU-second go first. What counts as killed is unchanged."""
        started = time.monotonic()
        candidates = [
            m
            for m, o in self.results.items()
            if o.get("exit_code") == 0
            and o.get("ran", 0) < o.get("covering", 0)
            and m in self.ran_tests
            and m not in self.listed_equivalent
        ]
        self.budget = self.recheck_seconds
        priority: dict[str, float] = {}
        plans: dict[str, list[str]] = {}
        for mutant in candidates:
            self.already_ran[mutant] = self.ran_tests[mutant]
            self.first_pass[mutant] = dict(self.results[mutant])
            tally = self.function_tally[mangled(mutant)]
            plans[mutant] = self.plan(mutant, tally)
            first = plans[mutant][0]
            kills, runs = tally.get(first, (0, 0))
            all_kills, all_runs = self.tally.get(first, (0, 0))
            chance = (kills + 2 * (all_kills + 1) / (all_runs + 2)) / (runs + 2)
            priority[mutant] = max(self.cpu_by_test.get(first, 0.0), 0.001) / chance
        groups: dict[str, list[str]] = defaultdict(list)
        for mutant in sorted(candidates, key=lambda m: priority[m]):
            groups[mangled(mutant)].append(mutant)
        queue = sorted(groups.values(), key=lambda g: priority[g[0]])

        def estimate(mutant: str) -> float:
            return min(sum(self.cpu_by_test.get(t, 0.0) for t in plans[mutant]), self.recheck_seconds) + 0.05

        cap = self.recheck_cpu
        if self.deadline is not None:
            cap = second_pass_cap(cap, self.deadline - time.monotonic() - 15, self.workers)
        cpu = self.check(session, by_id, databases, queue, cap=cap, estimate=estimate) if cap else 0.0
        checked = [m for m in candidates if "rechecked" in self.results[m]]
        killed = [m for m in checked if self.results[m].get("exit_code") != 0]
        self.second_pass = {
            "candidates": len(candidates),
            "rechecked": len(checked),
            "killed": len(killed),
            "cpu_seconds": round(cpu, 1),
            "wall_seconds": round(time.monotonic() - started, 1),
            "cap_cpu_seconds": round(cap, 1),
            "recheck_seconds": self.recheck_seconds,
        }
        print(
            f"make mutate: second pass: {len(checked)} of {len(candidates)} survivors cut by the budget "
            f"re-checked with the covering tests they had not run, {len(killed)} killed, "
            f"{cpu:.0f} CPU-s in children",
            flush=True,
        )

    def check(self, session, by_id, databases, queue, cap=None, estimate=None, weigh=False) -> float:
        """Run the groups of mutants in `queue` in forked children, `self.workers` at once; returns the
        children's CPU-seconds. With `cap`, a group starts only with the mutants that fit in what is left
        of it (`estimate` giving each one's cost); the others stay as they were. With `weigh` (the first
        pass) and a deadline, each group's budget is what `lowered_budget` gives."""
        free = list(range(self.workers))
        running: dict[int, dict] = {}
        total, cpu_total = len(self.mutants), 0.0
        started = self.started
        last_note = time.monotonic()
        second = cap is not None

        def read_lines(child) -> None:
            while True:
                try:
                    chunk = os.read(child["fd"], 65536)
                except BlockingIOError:
                    return
                if not chunk:
                    return
                child["buffer"] += chunk
                *lines, child["buffer"] = child["buffer"].split(b"\n")
                for line in lines:
                    outcome = json.loads(line)
                    if "poisoned" in outcome:
                        # checked again one mutant to a child; their results replace these
                        self.poisoned += 1
                        self.poisoned_mutants += len(outcome["poisoned"])
                        # Which function left what behind, and the test it made fail: to find the cause.
                        self.poisoned_by[mangled(outcome["poisoned"][0])] = outcome.get("test")
                        queue.extend([m] for m in outcome["poisoned"])
                        continue
                    if "database_cpu" in outcome:
                        self.database_cpu += outcome["database_cpu"]
                        continue
                    mutant = outcome.pop("mutant")
                    child["spent"] += outcome.get("cpu", 0.0)
                    function_tally = self.function_tally[mangled(mutant)]
                    passed = outcome.pop("passed", ())
                    for nodeid in passed:
                        self.tally[nodeid][1] += 1
                        function_tally[nodeid][1] += 1
                    if outcome.get("killer"):
                        for tally in (self.tally, function_tally):
                            tally[outcome["killer"]][0] += 1
                            tally[outcome["killer"]][1] += 1
                    outcome["covering"] = len(self.tests_for(mutant))
                    if second:
                        outcome = self.merged(mutant, outcome)
                    elif outcome["exit_code"] == 0:
                        self.ran_tests[mutant] = set(passed)
                    self.results[mutant] = outcome
                    child["left"].remove(mutant)

        def finish(pid: int, status: int, rusage) -> None:
            nonlocal cpu_total
            child = running.pop(pid)
            self.weight_done += child["weight"]
            read_lines(child)
            os.close(child["fd"])
            free.append(child["slot"])
            cpu_total += rusage.ru_utime + rusage.ru_stime
            if child["left"] and os.waitstatus_to_exitcode(status) == RESTART:
                self.restarts += 1
                queue.insert(0, child["left"])
            elif child["left"]:
                # Stopped from outside (no CPU used for too long, e.g. waiting on a lock) or crashed: the
                # mutant it was on is a timeout or suspicious; its siblings go back in the queue.
                first, *rest = child["left"]
                code = os.waitstatus_to_exitcode(status)
                outcome = {
                    "exit_code": TIMEOUT if child["timed_out"] else code if code not in (0, 1) else 35,
                    "covering": len(self.tests_for(first)),
                }
                self.results[first] = self.merged(first, outcome) if second else outcome
                if rest:
                    queue.insert(0, rest)

        while queue or running:
            while queue and free:
                group = queue.pop(0)
                if cap is not None:
                    # what is spent, and what the children under way may still spend
                    committed = cpu_total + sum(max(c["budget"] - c["spent"], 0.0) for c in running.values())
                    fits = []
                    for mutant in group:
                        if committed + estimate(mutant) > cap:
                            break
                        committed += estimate(mutant)
                        fits.append(mutant)
                    if not fits:
                        continue
                    group = fits
                if weigh and self.deadline is not None:
                    now = time.monotonic()
                    self.budget = lowered_budget(
                        self.test_seconds,
                        elapsed=now - started,
                        done=self.weight_done,
                        total=self.weight_total,
                        seconds_left=self.deadline - SECOND_PASS_RESERVE - now,
                    )
                    if self.budget < self.test_seconds:
                        self.lowered.update(dict.fromkeys(group, self.budget))
                slot = free.pop(0)
                cost = sum(sum(self.cpu_by_test[t] for t in self.tests_for(m)) for m in group)
                read_fd, write_fd = os.pipe()
                pid = os.fork()
                if pid == 0:
                    try:
                        os.close(read_fd)
                        self.run_group(session, by_id, group, databases[slot], write_fd)
                    except BaseException:
                        os._exit(35)
                os.close(write_fd)
                os.set_blocking(read_fd, False)
                running[pid] = {
                    "left": list(group),
                    "slot": slot,
                    "fd": read_fd,
                    "buffer": b"",
                    # a child waiting on something that takes no CPU (a lock) is stopped after this long
                    "deadline": time.monotonic() + 300 + 20 * cost,
                    "timed_out": False,
                    "budget": sum(estimate(m) for m in group) if estimate else 0.0,
                    "spent": 0.0,
                    "weight": self.weight(group) if weigh else 0.0,
                }
            if not running:
                break
            select.select([c["fd"] for c in running.values()], [], [], 0.5)
            for child in running.values():
                read_lines(child)
            while running:
                pid, status, rusage = os.wait4(-1, os.WNOHANG)
                if not pid:
                    break
                if pid in running:
                    finish(pid, status, rusage)
            now = time.monotonic()
            for child_pid, child in running.items():
                if now > child["deadline"] and not child["timed_out"]:
                    child["timed_out"] = True
                    os.kill(child_pid, signal.SIGKILL)
            if now - last_note > 30 or (not queue and not running):
                last_note = now
                if self.on_progress:
                    self.on_progress(self.results)  # a run stopped half-way keeps what it checked
                done = len(self.results)
                again = sum(len(g) for g in queue) + sum(len(c["left"]) for c in running.values())
                again = f", {again} to go" if done == total and again else ""
                print(
                    f"make mutate: {'second pass, ' if second else ''}{done}/{total} mutants checked in "
                    f"{now - started:.0f} s ({done / max(now - started, 1e-9):.1f}/s; {cpu_total:.0f} CPU-s "
                    f"in children so far{again})",
                    flush=True,
                )
        return cpu_total

    def merged(self, mutant: str, outcome: dict) -> dict:
        """A second-pass outcome on top of the first pass's: the tests run and the CPU of both."""
        first = self.first_pass[mutant]
        merged = dict(first, **outcome)
        merged["tests"] = first.get("tests", 0) + outcome.get("tests", 0)
        merged["ran"] = first.get("ran", 0) + outcome.get("ran", 0)
        merged["cpu"] = round(first.get("cpu", 0.0) + outcome.get("cpu", 0.0), 4)
        merged["rechecked"] = {k: outcome[k] for k in ("ran", "cpu", "exit_code") if k in outcome}
        return merged

    def pytest_runtestloop(self, session):
        if session.testsfailed and not session.config.option.continue_on_collection_errors:
            return None  # collection errors: let pytest report them
        self.stats_pass(session)
        if self.clean_failures:
            print("make mutate: the unmutated tests must pass first; failed:", file=sys.stderr)
            for nodeid in self.clean_failures:
                print("  " + nodeid, file=sys.stderr)
            session.testsfailed = len(self.clean_failures)
            return True
        if self.mutants:
            self.mutation_pass(session)
        return True


def run(
    globs,
    workers: int,
    test_seconds: float,
    verbose: bool,
    tests: list[str],
    profile_dir=None,
    recheck_seconds: float = 0.0,
    recheck_cpu: float = 0.0,
    relative_budget: bool = True,
    deadline: float | None = None,
) -> int:
    import tomllib

    by_path = generate()
    everything = [m for names in by_path.values() for m in names]
    mutants = [m for m in everything if not globs or any(fnmatch.fnmatch(m, g) for g in globs)]
    if not mutants:
        print(f"make mutate: no mutant matches {globs}")
        return 1
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    args = [
        "--rootdir=.",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "--capture=sys",  # captured output stays in each process's memory, not a file children share
        *config.get("pytest_add_cli_args", []),
        *(tests or config["pytest_add_cli_args_test_selection"]),
    ]
    plugin = MutationRun(
        mutants,
        workers=workers,
        test_seconds=test_seconds,
        verbose=verbose,
        profile_dir=profile_dir,
        recheck_seconds=recheck_seconds,
        recheck_cpu=recheck_cpu,
        relative_budget=relative_budget,
        deadline=deadline,
    )
    plugin.listed_equivalent = equivalents() & set(mutants)
    chosen = set(mutants)
    for path, names in by_path.items():
        if chosen.intersection(names):
            plugin.mutant_files[str((MUTANTS / path).resolve())] = [n for n in names if n in chosen]
    os.chdir(MUTANTS)
    import pytest

    plugin.on_progress = lambda results: save(by_path, results, root=ROOT)
    started_cpu = time.process_time()
    code = pytest.main(args, plugins=[plugin])
    if plugin.clean_failures or not plugin.results and code not in (0, 5):
        print(f"make mutate: pytest ended with {code} before the mutants ran")
        return 1
    os.chdir(ROOT)
    save(by_path, plugin.results)
    summary = {
        "mutants": len(mutants),
        "tests": len(plugin.cpu_by_test),
        "unmutated_pass_cpu_seconds": round(plugin.stats_seconds, 1),
        "mutation_wall_seconds": round(getattr(plugin, "mutation_seconds", 0.0), 1),
        "mutation_child_cpu_seconds": round(getattr(plugin, "mutation_cpu", 0.0), 1),
        "database_server_cpu_seconds": round(plugin.database_cpu, 1),
        "children_restarted_after_an_open_transaction": plugin.restarts,
        "functions_checked_again_one_mutant_to_a_child": plugin.poisoned,
        "mutants_checked_again_in_a_child_of_their_own": plugin.poisoned_mutants,
        "functions_checked_again_and_the_test_that_failed_with_no_mutant_on": plugin.poisoned_by,
        "parent_cpu_seconds": round(time.process_time() - started_cpu, 1),
        "test_seconds_cap": round(plugin.test_seconds, 2),
        "test_seconds_asked": test_seconds,
        "host_factor": round(plugin.host_factor, 2),
        "coverage_factor": round(plugin.coverage_factor, 3),
        "second_pass": plugin.second_pass,
        "budget_lowered": (
            {"mutants": len(plugin.lowered), "lowest": round(min(plugin.lowered.values()), 2)}
            if plugin.lowered
            else {}
        ),
        "workers": workers,
        "results": plugin.results,
        "cpu_by_test": plugin.cpu_by_test,
    }
    RUN_FILE.write_text(json.dumps(summary, indent=1))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("globs", nargs="*", help='mutant names to run, e.g. "monitoring.counting.*"')
    parser.add_argument("--workers", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument(
        "--test-seconds",
        type=float,
        default=1.5,
        help="a mutant runs its covering tests likeliest to kill it per CPU-second first, until one fails "
        "or it has used this many CPU-seconds (default 1.5: in samples 1 kill in 368 came later)",
    )
    parser.add_argument(
        "--recheck-seconds",
        type=float,
        default=6.0,
        help="second pass: a survivor whose first pass the budget cut runs the covering tests it did not "
        "run, until one fails or it has used this many more CPU-seconds (default 6; 0: no second pass)",
    )
    parser.add_argument(
        "--recheck-cpu",
        type=float,
        default=300.0,
        help="second pass: CPU-seconds for all of it, likeliest kills first (default 300, 2.5 minutes on 2 "
        "cores; 0: no second pass)",
    )
    parser.add_argument(
        "--fixed-budget",
        action="store_true",
        help="use --test-seconds and --recheck-seconds as they are; by default they are for a host whose "
        f"mean unmutated test costs {REFERENCE_TEST_CPU} CPU-s and scale with this host's",
    )
    parser.add_argument(
        "--minutes",
        type=float,
        default=0.0,
        help="end within this many minutes: the first pass lowers a mutant's budget when its pace says it "
        "would not leave time, and the second pass takes only the time left (default 0: no limit)",
    )
    parser.add_argument("--report-only", action="store_true", help="print the last run's scores")
    parser.add_argument("--diffs", action="store_true", help="print each survivor's change")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--profile", metavar="DIR", help="write a cProfile of each mutant's child into DIR")
    parser.add_argument(
        "--tests", nargs="+", default=[], help="pytest arguments instead of [tool.mutmut]'s test selection"
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = own_database(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/personalised_support")
    )
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    os.environ.pop("DEBUG", None)  # the tests expect the settings `make test` uses
    env = dict(os.environ)
    if not args.report_only:
        started = time.monotonic()
        drop_test_databases(os.environ["DATABASE_URL"])
        code = run(
            args.globs,
            args.workers,
            args.test_seconds,
            args.verbose,
            args.tests,
            args.profile,
            args.recheck_seconds,
            args.recheck_cpu,
            not args.fixed_budget,
            started + args.minutes * 60 if args.minutes else None,
        )
        os.chdir(ROOT)
        print(f"\nmake mutate: {(time.monotonic() - started) / 60:.1f} minutes in all.")
        if code:
            return code
    return report(diffs=args.diffs, env=env)


if __name__ == "__main__":
    sys.exit(main())
