"""Sections that higher apps add to a provider's directory page.

`providers` cannot read surveys or the brokerage app (imports run one way), so each registers, in its
AppConfig.ready(), a function `(profile, request) -> dict | None` giving a section: `template` and
`context` (and `order`, lower first). The page renders each with `{% include %}`.
"""

from collections.abc import Callable

_SECTION_MAKERS: list[Callable] = []


def register_detail_section(maker: Callable) -> None:
    if maker not in _SECTION_MAKERS:
        _SECTION_MAKERS.append(maker)


def detail_sections(*, profile, request) -> list[dict]:
    sections = [s for s in (maker(profile, request) for maker in _SECTION_MAKERS) if s]
    return sorted(sections, key=lambda s: s.get("order", 50))


# Rows that higher apps add to the comparison table: `(profiles) -> (label, [cell text per profile])`.
_COMPARE_ROW_MAKERS: list[Callable] = []


def register_compare_row(maker: Callable) -> None:
    if maker not in _COMPARE_ROW_MAKERS:
        _COMPARE_ROW_MAKERS.append(maker)


def compare_rows(*, profiles) -> list[dict]:
    rows = []
    for maker in _COMPARE_ROW_MAKERS:
        made = maker(profiles)
        if made:
            label, cells = made
            rows.append({"label": label, "cells": cells})
    return rows
