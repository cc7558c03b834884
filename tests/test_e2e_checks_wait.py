"""The browser tests check what a page shows with Playwright's waiting assertions.

A click waits only until the next page starts loading, so `assert locator.is_visible()` just after one can
read a page that is not there yet: a test that fails on a busy machine and passes on a quiet one (it failed
CI once, on the caseload search). `expect(locator).to_be_visible()` waits for the page instead.
"""

import ast
from pathlib import Path

NOT_WAITING = {"is_visible", "is_hidden", "is_checked", "is_enabled", "is_disabled", "is_editable"}
E2E = Path(__file__).parent / "e2e"


def non_waiting_checks(source: str, name: str) -> list[str]:
    """Where an assert statement reads a locator's state without waiting for it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assert):
            continue
        for call in ast.walk(node.test):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in NOT_WAITING
            ):
                found.append(f"{name}:{node.lineno}: {call.func.attr}()")
    return found


def test_the_browser_tests_wait_for_what_they_check():
    found = [
        line for path in sorted(E2E.glob("*.py")) for line in non_waiting_checks(path.read_text(), path.name)
    ]
    assert not found, "use expect(locator).to_be_...() instead: " + "; ".join(found)


def test_the_check_finds_a_non_waiting_assert_and_passes_a_waiting_one():
    source = (
        "def test(page):\n"
        "    assert page.get_by_text('Saved').is_visible()\n"
        "    expect(page.get_by_text('Saved')).to_be_visible()\n"
        "    assert page.get_by_label('Yes').is_checked(), 'ticked'\n"
    )
    assert non_waiting_checks(source, "x.py") == ["x.py:2: is_visible()", "x.py:4: is_checked()"]
