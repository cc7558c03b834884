"""`make mutate`: mutation testing (mutmut) of the modules that hold the rules, then a score per module.

mutmut's configuration is `[tool.mutmut]` in pyproject.toml: which modules are mutated and which tests
run (the fast ones: no browser tests, no tests that start processes or measure speed). mutmut records
which tests call each function and runs only those for each of its mutants.

    scripts/mutate.py [--budget MINUTES] [--workers N] [--test-seconds S] [--report-only] [--diffs] [GLOB ...]

How a mutant's tests are chosen: mutmut's first run of the tests records which tests call each function
(kept in mutants/mutmut-stats.json, redone only when the test selection changes). A mutant runs the tests
that call its function, quickest first, stopping at the first failure and after --test-seconds of
measured test time (tests/conftest.py), against the test database that first run made (no migrations
checked per mutant).

GLOBs narrow the run to some mutants, e.g. "monitoring.counting.*". The run stops when the budget
(default 28 minutes) is spent; what was not checked is reported as such, never as killed. The score of a
module is killed / (killed + survived + no tests), timeouts counting as killed; survivors listed in
mutmut-equivalents.md (beside pyproject.toml) are reported separately and left out of the second score.
Uses its own test database (`<name>_mutate`), so it does not disturb `make test`.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "mutmut-equivalents.md"
KILLED = {1, 3, 24, -24, 36, 152, 255, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}


def own_database(url: str) -> str:
    """The same server, a database of its own: test runs use `test_<name>_mutate`."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "personalised_support"
    return urlunsplit(parts._replace(path=f"/{name}_mutate"))


def drop_test_database(url: str) -> None:
    """Start from a fresh schema: the run reuses one test database across all its test runs."""
    import psycopg

    parts = urlsplit(url)
    test_name = "test_" + parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')


def copy_other_apps() -> None:
    """mutmut copies only the apps it mutates (`source_paths`) into mutants/, where the tests run; an app
    added since (INSTALLED_APPS names it) would be missing there and every test would fail to import.
    Copy every other top-level package as it is, unmutated."""
    import shutil
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


def run_mutmut(globs: list[str], workers: int, budget_s: float, env: dict) -> bool:
    """Run mutmut until done or out of time. Returns whether it finished."""
    cmd = [str(ROOT / ".venv/bin/mutmut"), "run", "--max-children", str(workers), *globs]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    try:
        proc.wait(timeout=budget_s)
        return proc.returncode == 0
    except subprocess.TimeoutExpired:
        print("\nmake mutate: time budget spent; stopping mutmut (results so far are kept).", flush=True)
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        return False


def equivalents() -> set[str]:
    """Every mutant name written in backticks in mutmut-equivalents.md."""
    if not EQUIVALENTS.exists():
        return set()
    return set(re.findall(r"`([^`\s]+__mutmut_\d+)`", EQUIVALENTS.read_text()))


def results() -> dict[str, dict[str, int | None]]:
    """Exit code of every mutant, by module (dotted path), from mutmut's .meta files."""
    by_module: dict[str, dict[str, int | None]] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        rel = meta.relative_to(MUTANTS).as_posix()[: -len(".py.meta")]
        data = json.loads(meta.read_text())
        if data["exit_code_by_key"]:
            by_module[rel.replace("/", ".")] = data["exit_code_by_key"]
    return by_module


def report(*, diffs: bool, env: dict) -> int:
    known_equivalent = equivalents()
    by_module = results()
    if not by_module:
        print("No mutmut results yet: run `make mutate` first.")
        return 1
    print()
    print(
        f"{'module':40} {'mutants':>7} {'checked':>7} {'killed':>6} {'survived':>8} {'no tests':>8} "
        f"{'score':>6} {'w/o equiv.':>10}"
    )
    all_survivors = []
    below_goal = []
    for module, codes in sorted(by_module.items()):
        checked = {k: c for k, c in codes.items() if c is not None and c != 2}
        killed = [k for k, c in checked.items() if c in KILLED]
        survived = [k for k, c in checked.items() if c in SURVIVED]
        no_tests = [k for k, c in checked.items() if c in NO_TESTS]
        other = [k for k in checked if k not in set(killed) | set(survived) | set(no_tests)]
        denominator = len(killed) + len(survived) + len(no_tests) + len(other)
        equivalent = [k for k in survived + no_tests if k in known_equivalent]
        rest = denominator - len(equivalent)
        score = f"{100.0 * len(killed) / denominator:5.1f}%" if denominator else "   n/a"
        score_eq = f"{100.0 * len(killed) / rest:9.1f}%" if rest else "       n/a"
        print(
            f"{module:40} {len(codes):7} {len(checked):7} {len(killed):6} {len(survived):8} "
            f"{len(no_tests):8} {score} {score_eq}"
        )
        if len(checked) < len(codes) or not rest or 100.0 * len(killed) / rest < 90.0:
            below_goal.append(module)
        all_survivors += [
            (k, "survived" if k in survived else "no tests" if k in no_tests else "suspicious")
            for k in survived + no_tests + other
            if k not in known_equivalent
        ]
    print()
    print(f"Surviving mutants ({len(all_survivors)}; `.venv/bin/mutmut show NAME` shows the change):")
    for name, status in all_survivors:
        print(f"  {status:9} {name}")
        if diffs:
            subprocess.run([str(ROOT / ".venv/bin/mutmut"), "show", name], cwd=ROOT, env=env, check=False)
    if below_goal:
        print()
        print("Below the 90% goal, or not fully checked: " + ", ".join(below_goal))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("globs", nargs="*", help='mutant names to run, e.g. "monitoring.counting.*"')
    parser.add_argument("--budget", type=float, default=28.0, help="minutes for mutmut (default 28)")
    parser.add_argument("--workers", type=int, default=1, help="mutants tested at once (default 1)")
    parser.add_argument(
        "--test-seconds",
        type=float,
        default=20.0,
        help="a mutant runs its quickest covering tests first, as many as fit in this many seconds of "
        "measured test time (default 20; tests/conftest.py)",
    )
    parser.add_argument("--report-only", action="store_true", help="print the last run's scores")
    parser.add_argument("--diffs", action="store_true", help="print each survivor's change")
    args = parser.parse_args()
    env = dict(os.environ)
    env["DATABASE_URL"] = own_database(
        env.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/personalised_support")
    )
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    env["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    env.pop("DEBUG", None)  # the tests expect the settings `make test` uses (some check DEBUG is off)
    env["MUTATE_TEST_SECONDS"] = str(args.test_seconds)
    if not args.report_only:
        drop_test_database(env["DATABASE_URL"])
        copy_other_apps()
        started = time.monotonic()
        finished = run_mutmut(args.globs, args.workers, args.budget * 60, env)
        minutes = (time.monotonic() - started) / 60
        print(
            f"\nmake mutate: mutmut ran for {minutes:.1f} minutes ({'finished' if finished else 'stopped'})."
        )
    return report(diffs=args.diffs, env=env)


if __name__ == "__main__":
    sys.exit(main())
