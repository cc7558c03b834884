"""scripts/mutant_lines.py (`make mutate`, issue 20): a mutant's covering tests are those that ran the
statement it changes; a change in the signature, or one that cannot be placed, falls back to every test
that called the function."""

import importlib.util
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def lines():
    spec = importlib.util.spec_from_file_location("mutant_lines", ROOT / "scripts" / "mutant_lines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A mutants/ file as mutmut writes it: the original function and its mutants side by side.
ORIGINAL = textwrap.dedent(
    '''\
    def x_share__mutmut_orig(total, parts, floor=0):
        """Each part's share."""
        if total <= floor:
            return {}
        shares = {
            name: part / total
            for name, part in parts.items()
        }
        try:
            check(shares)
        except ValueError:
            return None
        return shares
    '''
)
CHANGES = {
    1: ("floor=0", "floor=1"),
    2: ("total <= floor", "total < floor"),
    3: ("part / total", "part * total"),
    4: ("except ValueError", "except TypeError"),
    5: ("return None", 'return ""'),
}
SOURCE = ORIGINAL + "".join(
    "\n\n" + ORIGINAL.replace("__mutmut_orig", f"__mutmut_{n}").replace(old, new)
    for n, (old, new) in CHANGES.items()
)
# Lines of the original above: 3 `if`, 4 `return {}`, 5-8 the dict (6 the line mutant 3 changes),
# 10 `check`, 11 `except`, 12 `return None`, 13 `return shares`.
RAN = {
    3: {"t_small", "t_big", "t_bad"},
    4: {"t_small"},
    # a statement over several lines: coverage may record any of them, depending on where its bytecode
    # is (here the comprehension's line for one test)
    5: {"t_big"},
    7: {"t_bad"},
    10: {"t_big", "t_bad"},
    11: {"t_bad"},
    13: {"t_big"},
}


def names(*numbers):
    return [f"monitoring.shares.x_share__mutmut_{n}" for n in numbers]


@pytest.fixture
def found(lines, tmp_path):
    path = tmp_path / "shares.py"
    path.write_text(SOURCE)
    return lines.tests_by_mutant(path, names(1, 2, 3, 4, 5), RAN)


def test_a_change_in_a_condition_is_seen_by_the_tests_that_ran_it(found):
    assert found["monitoring.shares.x_share__mutmut_2"] == {"t_small", "t_big", "t_bad"}


def test_a_change_on_a_continuation_line_counts_the_whole_statement(found):
    assert found["monitoring.shares.x_share__mutmut_3"] == {"t_big", "t_bad"}


def test_an_except_clause_is_seen_by_the_tests_that_reached_it(found):
    assert found["monitoring.shares.x_share__mutmut_4"] == {"t_bad"}


def test_a_line_no_test_ran_gives_no_tests(found):
    assert found["monitoring.shares.x_share__mutmut_5"] == set()


def test_a_change_in_the_signature_falls_back_to_every_caller(found):
    assert found["monitoring.shares.x_share__mutmut_1"] is None


def test_a_mutant_not_in_the_file_falls_back(lines, tmp_path):
    path = tmp_path / "shares.py"
    path.write_text(SOURCE)
    assert lines.tests_by_mutant(path, names(9), RAN) == {"monitoring.shares.x_share__mutmut_9": None}


def test_an_inserted_line_counts_against_its_neighbours(lines):
    assert lines.changed_lines(["a", "b", "c"], ["a", "b", "new", "c"]) == {1, 2}
    assert lines.changed_lines(["a", "b", "c"], ["a", "c"]) == {1}
    assert lines.changed_lines(["a", "b"], ["a", "b"]) == set()


def test_a_compound_statement_is_its_header_and_its_body_statements_are_their_own(lines):
    import ast

    tree = ast.parse(SOURCE)
    original = tree.body[0]
    spans = lines.statement_spans(original)
    # the docstring; `if` (its header alone); `return {}`; the dict over four lines; `try:`; `check`;
    # `except ValueError:`; `return None`; `return shares`
    assert sorted(spans) == [(2, 2), (3, 3), (4, 4), (5, 8), (9, 9), (10, 10), (11, 11), (12, 12), (13, 13)]


def test_match_cases_and_nested_functions_have_headers_of_their_own(lines):
    import ast

    source = textwrap.dedent(
        """\
        def x_kind__mutmut_orig(value):
            match value:
                case 1 | 2:
                    return "few"
                case _ if value > 10:
                    return "many"

            @cached
            def inner(a=3):
                return a
            return inner
        """
    )
    spans = lines.statement_spans(ast.parse(source).body[0])
    assert sorted(spans) == [(2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (8, 9), (10, 10), (11, 11)]
