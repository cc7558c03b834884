"""The scores of `make mutate` (scripts/mutate.py): each module's killed, survivors and "no tests", the
survivors by name (with how many of their covering tests they ran), what the second pass did, and the
last run's costs. Reads mutmut's .meta files under mutants/ and the run's mutate-run.json; survivors
named in mutmut-equivalents.md are left out of the second score.
"""

import json
import os
import re
import subprocess
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "mutmut-equivalents.md"
RUN_FILE = MUTANTS / "mutate-run.json"
# mutmut's exit codes (mutmut.stats.status_by_exit_code): 1 killed, 0 survived, 33 no tests, timeouts
KILLED = {1, 3, 24, -24, 36, 152, 255, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}


def save(by_path: dict[str, list[str]], results: dict[str, dict], root: Path | None = None) -> None:
    """Into mutmut's .meta files, so `mutmut show`, `mutmut results` and `mutmut browse` see them."""
    from mutmut.mutation.data import SourceFileMutationData

    if root is not None and Path.cwd() != root:
        cwd = Path.cwd()
        os.chdir(root)
        try:
            return save(by_path, results)
        finally:
            os.chdir(cwd)
    for path, names in by_path.items():
        data = SourceFileMutationData(path=path)
        data.load()
        for name in names:
            if name in results:
                data.exit_code_by_key[name] = results[name]["exit_code"]
                data.durations_by_key[name] = results[name].get("cpu", 0.0)
        data.save()


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
    run_info = json.loads(RUN_FILE.read_text()) if RUN_FILE.exists() else {"results": {}}
    print()
    print(
        f"{'module':40} {'mutants':>7} {'checked':>7} {'killed':>6} {'survived':>8} {'no tests':>8} "
        f"{'score':>6} {'w/o equiv.':>10}"
    )
    all_survivors = []
    below_goal = []
    stale = []  # listed as equivalent, yet a test killed it: the entry names another mutant now
    totals = defaultdict(int)
    for module, codes in sorted(by_module.items()):
        checked = {k: c for k, c in codes.items() if c is not None and c != 2}
        killed = [k for k, c in checked.items() if c in KILLED]
        survived = [k for k, c in checked.items() if c in SURVIVED]
        no_tests = [k for k, c in checked.items() if c in NO_TESTS]
        other = [k for k in checked if k not in set(killed) | set(survived) | set(no_tests)]
        denominator = len(killed) + len(survived) + len(no_tests) + len(other)
        equivalent = [k for k in survived + no_tests if k in known_equivalent]
        stale += [k for k in killed if k in known_equivalent]
        rest = denominator - len(equivalent)
        score = f"{100.0 * len(killed) / denominator:5.1f}%" if denominator else "   n/a"
        score_eq = f"{100.0 * len(killed) / rest:9.1f}%" if rest else "       n/a"
        print(
            f"{module:40} {len(codes):7} {len(checked):7} {len(killed):6} {len(survived):8} "
            f"{len(no_tests):8} {score} {score_eq}"
        )
        for key, value in (
            ("mutants", len(codes)),
            ("checked", len(checked)),
            ("killed", len(killed)),
            ("survived", len(survived)),
            ("no tests", len(no_tests)),
            ("equivalent", len(equivalent)),
            ("denominator", denominator),
        ):
            totals[key] += value
        if len(checked) < len(codes) or not rest or 100.0 * len(killed) / rest < 90.0:
            below_goal.append(module)
        all_survivors += [
            (k, "survived" if k in survived else "no tests" if k in no_tests else "suspicious")
            for k in survived + no_tests + other
            if k not in known_equivalent
        ]
    if totals["denominator"]:
        rest = totals["denominator"] - totals["equivalent"]
        print(
            f"{'all':40} {totals['mutants']:7} {totals['checked']:7} {totals['killed']:6} "
            f"{totals['survived']:8} {totals['no tests']:8} "
            f"{100.0 * totals['killed'] / totals['denominator']:5.1f}% "
            f"{100.0 * totals['killed'] / max(rest, 1):9.1f}%"
        )
    print()
    print(f"Surviving mutants ({len(all_survivors)}; `.venv/bin/mutmut show NAME` shows the change):")
    for name, status in all_survivors:
        info = run_info["results"].get(name, {})
        ran = (
            f" (ran {info.get('ran')} of {info.get('covering')} covering tests"
            f"{', re-checked' if info.get('rechecked') else ''})"
            if info.get("covering")
            else ""
        )
        if info.get("callers"):
            ran = f" (no test runs the statement it changes; {info['callers']} tests call its function)"
        print(f"  {status:9} {name}{ran}")
        if diffs:
            subprocess.run([str(ROOT / ".venv/bin/mutmut"), "show", name], cwd=ROOT, env=env, check=False)
    survivors = [run_info["results"].get(name) for name, status in all_survivors if status == "survived"]
    survivors = [info for info in survivors if info]  # those the last run checked
    if survivors:
        cut = [info for info in survivors if info.get("ran", 0) < info.get("covering", 0)]
        full = [info for info in survivors if info.get("ran", 0) >= info.get("covering", 0)]
        print(
            f"Of the {len(survivors)} survivors the last run checked, {len(full)} ran all their covering "
            f"tests ({sum(1 for i in full if i.get('rechecked'))} of them in the second pass) and "
            f"{len(cut)} were cut by the CPU budget ({sum(1 for i in cut if i.get('rechecked'))} of them "
            "re-checked in the second pass and cut again)."
        )
    second = run_info.get("second_pass")
    if second:
        print(
            f"Second pass: {second['rechecked']} of the {second['candidates']} survivors cut by the budget "
            f"re-checked with their other covering tests (up to {second['recheck_seconds']} CPU-s each), "
            f"{second['killed']} killed; {second['cpu_seconds']} CPU-s (cap {second['cap_cpu_seconds']}), "
            f"{second['wall_seconds']} s."
        )
    if stale:
        print()
        print(
            f"Listed in mutmut-equivalents.md but killed ({len(stale)}; their function changed, so the "
            "number names another mutant now: check the entry again): " + ", ".join(stale)
        )
    if below_goal:
        print()
        print("Below the 90% goal, or not fully checked: " + ", ".join(below_goal))
    if run_info.get("mutants"):
        print()
        print(
            f"Last run: {run_info['mutants']} mutants, {run_info['tests']} tests; unmutated pass "
            f"{run_info['unmutated_pass_cpu_seconds']} CPU-s; mutants {run_info['mutation_wall_seconds']} s "
            f"wall, {run_info['mutation_child_cpu_seconds']} CPU-s in their children, "
            f"{run_info.get('database_server_cpu_seconds', 0)} CPU-s in PostgreSQL "
            f"({run_info['workers']} workers, a mutant's budget {run_info['test_seconds_cap']} CPU-s"
            + (
                f": --test-seconds {run_info['test_seconds_asked']} times this host's "
                f"{run_info['host_factor']}"
                if "host_factor" in run_info
                else ""
            )
            + (
                f", lowered for {run_info['budget_lowered']['mutants']} of them to as little as "
                f"{run_info['budget_lowered']['lowest']} to end in time"
                if run_info.get("budget_lowered")
                else ""
            )
            + "); "
            f"{run_info.get('children_restarted_after_an_open_transaction', 0)} children restarted after "
            "a mutant left a transaction open; "
            f"{run_info.get('functions_checked_again_one_mutant_to_a_child', 0)} functions checked again "
            "one mutant to a child after a kill could not be trusted."
        )
        for function, test in sorted(
            run_info.get("functions_checked_again_and_the_test_that_failed_with_no_mutant_on", {}).items()
        ):
            print(f"  checked again: {function} (after its mutants, {test} failed with none on)")
    return 0
