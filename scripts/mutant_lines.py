"""Which tests can see a mutant: those that ran the line it changes (issue 20, `make mutate`).

mutmut keeps each function's original as `x_name__mutmut_orig` and each mutant as `x_name__mutmut_N` in
the same file under mutants/. The unmutated pass records, per test, which lines of those files ran
(coverage.py, one context per test). A mutant changes one place of its function; a test that never ran
the statement holding that place runs exactly the same code with the mutant on, so it cannot kill it.
The tests to run for a mutant are therefore those that ran its statement, not every test that called
its function; a mutant whose statement no test ran survives without running any.

Where the change is not inside a statement of the body (the signature: defaults are worked out once,
when the module is imported, outside any test) or cannot be placed, the answer is None: run every test
that called the function, as before.
"""

import ast
import difflib
from pathlib import Path

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def changed_lines(original: list[str], mutant: list[str]) -> set[int]:
    """Indexes (0-based) of the original's lines that the mutant changes. A line the mutant inserts
    counts against the original lines on either side of it."""
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(a=original, b=mutant, autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            changed.update(range(i1, i2))
        elif tag == "insert":
            changed.update(i for i in (i1 - 1, i1) if 0 <= i < len(original))
    return changed


def _header(node: ast.AST) -> tuple[int, int]:
    """The lines of a compound statement (or an `except`/`case` clause) before its body."""
    first = node.pattern.lineno if isinstance(node, ast.match_case) else node.lineno
    if isinstance(node, (*_FUNCTIONS, ast.ClassDef)) and node.decorator_list:
        first = min(first, *(d.lineno for d in node.decorator_list))
    return first, max(first, node.body[0].lineno - 1)


def statement_spans(function: ast.AST) -> list[tuple[int, int]]:
    """Every statement of a function's body, nested ones included, as (first line, last line): a
    compound statement by its header alone (its body's statements are spans of their own)."""
    spans: list[tuple[int, int]] = []

    def visit(statements) -> None:
        for node in statements:
            bodies = [getattr(node, name, None) for name in ("body", "orelse", "finalbody")]
            clauses = list(getattr(node, "handlers", [])) + list(getattr(node, "cases", []))
            if any(isinstance(b, list) and b for b in bodies[:1]) or clauses:
                if getattr(node, "body", None):
                    spans.append(_header(node))
                elif isinstance(node, ast.Match):  # `match subject:`, up to its first case
                    spans.append((node.lineno, max(node.lineno, node.cases[0].pattern.lineno - 1)))
                for body in bodies:
                    if isinstance(body, list):
                        visit(body)
                for clause in clauses:
                    spans.append(_header(clause))
                    visit(clause.body)
            else:
                spans.append((node.lineno, node.end_lineno or node.lineno))

    visit(function.body)
    return spans


def _functions(tree: ast.AST) -> dict[str, ast.AST]:
    return {node.name: node for node in ast.walk(tree) if isinstance(node, _FUNCTIONS)}


def tests_by_mutant(
    path: Path, names: list[str], tests_by_line: dict[int, set[str]]
) -> dict[str, set[str] | None]:
    """For each mutant of the file at `path` (full names, `module.x_name__mutmut_N`): the tests that
    ran the statement it changes (an empty set: none did), or None when its change is not in a statement
    of the body. `tests_by_line`: line number in that file -> tests that ran it."""
    source = path.read_text()
    lines = source.splitlines()
    functions = _functions(ast.parse(source))
    answer: dict[str, set[str] | None] = {}
    spans_of: dict[str, list[tuple[int, int]]] = {}
    for name in names:
        function_name = name.rpartition(".")[2]
        original = functions.get(function_name.rpartition("__mutmut_")[0] + "__mutmut_orig")
        mutant = functions.get(function_name)
        if original is None or mutant is None or not original.body:
            answer[name] = None
            continue
        original_text = lines[original.lineno - 1 : original.end_lineno]
        mutant_text = lines[mutant.lineno - 1 : mutant.end_lineno]
        # the two differ in their names on the `def` line; nothing else of that line is compared here
        mutant_text[0] = mutant_text[0].replace(mutant.name, original.name, 1)
        changed = {original.lineno + i for i in changed_lines(original_text, mutant_text)}
        if original.name not in spans_of:
            spans_of[original.name] = statement_spans(original)
        spans = spans_of[original.name]
        tests: set[str] | None = set()
        for line in sorted(changed):
            inside = [s for s in spans if s[0] <= line <= s[1]]
            if line < original.body[0].lineno or not inside:
                tests = None  # the signature, or a line of no statement: every caller's tests
                break
            first, last = min(inside, key=lambda s: s[1] - s[0])
            for number in range(first, last + 1):
                tests |= tests_by_line.get(number, set())
        answer[name] = tests if changed else None
    return answer
