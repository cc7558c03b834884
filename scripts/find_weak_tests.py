"""Find tests that prove little (issue 20): those whose only checks are a response's status code, and
those whose only check of a page's content is that it contains a word the navigation or the page's
frame (header, footer) also shows, so the check passes whatever the page lists.

    .venv/bin/python scripts/find_weak_tests.py [PATH ...]     (default: tests/)

Read by AST: a test's checks are its `assert` statements and calls to assertion helpers (`assert…`,
`expect(…)`, `pytest.raises`, `assertContains`), including those of the module's own helpers it calls
(one level). Exits 1 when it finds any, listing file:line and why. Browser tests (tests/e2e/) are included:
a journey that only waits for a heading also proves little.
"""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def navigation_words() -> set[str]:
    """Every label the header can show (config/navigation.py) and the frame's own words (base.html)."""
    words = set()
    nav = (ROOT / "config/navigation.py").read_text()
    tree = ast.parse(nav)
    for node in ast.walk(tree):
        target = (
            node.target
            if isinstance(node, ast.AnnAssign)
            else (node.targets[0] if isinstance(node, ast.Assign) else None)
        )
        if getattr(target, "id", "") == "NAV_ITEMS":
            for item in node.value.elts:
                words.add(item.elts[1].value)
    base = (ROOT / "templates/base.html").read_text()
    text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", base, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", text)
    words |= {line.strip() for line in text.splitlines() if len(line.strip()) > 2}
    return words


def is_status_check(expr: ast.AST) -> bool:
    source = ast.unparse(expr)
    return "status_code" in source or re.search(r"\b(r|resp|response|page)\.status\b", source) is not None


def nav_word_check(expr: ast.AST, nav: set[str]) -> str | None:
    """`"Word" in page` where the navigation or frame shows Word: the word, else None."""
    if (
        isinstance(expr, ast.Compare)
        and len(expr.ops) == 1
        and isinstance(expr.ops[0], ast.In)
        and isinstance(expr.left, ast.Constant)
        and isinstance(expr.left.value, str | bytes)
        and not isinstance(expr.comparators[0], ast.List | ast.ListComp)  # the navigation's own items
        and re.search(r"page|html|content|body|text|\.get\(", ast.unparse(expr.comparators[0]))
    ):
        word = expr.left.value.decode() if isinstance(expr.left.value, bytes) else expr.left.value
        word = word.strip()
        if word and any(word == label or word in label for label in nav):
            return word
    return None


# Read and judged sound, with why (the word is not in the header for the user the test signs in as, or the
# test is about the header itself).
REVIEWED = {
    "test_the_home_page_explains_the_service_to_a_newcomer": "signed out: the header has no ISF item",
    "test_the_navigation_takes_a_council_admin_to_their_councils_settings": "tests the header itself",
    "test_each_role_sees_its_own_navigation": "tests the header itself",
    "test_platform_administrators_find_the_two_upload_pages_in_the_header": "tests the header itself",
}

ASSERTING_CALL = re.compile(r"^(assert|expect$|raises$|assertContains|assertRedirects|check_|verify_)")


def checks_of(func: ast.FunctionDef, helpers: dict[str, ast.FunctionDef], depth: int = 0) -> list:
    """The function's checks: ("assert", expr) or ("call", name)."""
    found = []
    for node in ast.walk(func):
        if isinstance(node, ast.Assert):
            parts = (
                node.test.values
                if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.And)
                else [node.test]
            )
            found += [("assert", part) for part in parts]
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in helpers and depth == 0 and helpers[name] is not func:
                found += checks_of(helpers[name], helpers, depth + 1)
            elif ASSERTING_CALL.match(name or ""):
                found.append(("call", name))
    return found


def weak_tests(paths: list[Path]) -> list[tuple[str, int, str, str]]:
    nav = navigation_words()
    weak = []
    for path in paths:
        tree = ast.parse(path.read_text())
        helpers = {
            n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("test_")
        }
        tests = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test_")
        ]
        for test in tests:
            if test.name in REVIEWED:
                continue
            checks = checks_of(test, helpers)
            if not checks:
                continue  # a test with no check at all is another matter (it checks nothing raises)
            asserts = [expr for kind, expr in checks if kind == "assert"]
            calls = [name for kind, name in checks if kind == "call"]
            content = [e for e in asserts if not is_status_check(e)]
            if not content and not calls:
                weak.append((str(path.relative_to(ROOT)), test.lineno, test.name, "only a status code"))
                continue
            nav_words = [nav_word_check(e, nav) for e in content]
            for expr, word in zip(content, nav_words, strict=True):
                if word and not all(nav_words):
                    weak.append(
                        (
                            str(path.relative_to(ROOT)),
                            expr.lineno,
                            test.name,
                            f"one check is a word the navigation also shows: {word}",
                        )
                    )
            if content and all(nav_words) and not calls:
                words = ", ".join(sorted({w for w in nav_words if w}))
                weak.append(
                    (
                        str(path.relative_to(ROOT)),
                        test.lineno,
                        test.name,
                        f"only words the navigation also shows: {words}",
                    )
                )
    return weak


def main() -> int:
    targets = [Path(a).resolve() for a in sys.argv[1:]] or [ROOT / "tests"]
    files = sorted(
        f for t in targets for f in ([t] if t.is_file() else t.rglob("test_*.py")) if "mutants" not in f.parts
    )
    found = weak_tests(files)
    for path, line, name, why in found:
        print(f"{path}:{line}: {name}: {why}")
    print(f"{len(found)} weak tests in {len(files)} files")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
