"""Sections that higher apps add to the family's "Your budget" page (registered in their
AppConfig.ready), so budgets never imports them. Each callable takes (request, person) and returns
None or a dict with `template` (included with `section` set to the dict) and anything it needs."""

from collections.abc import Callable

_SECTIONS: list[Callable] = []


def register_family_section(section: Callable) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def family_sections(request, person) -> list[dict]:
    return [s for s in (section(request, person) for section in _SECTIONS) if s]


# The same for the staff's person page ("casework" sections), e.g. oversight's checks and concerns.
_CASEWORK: list[Callable] = []


def register_casework_section(section: Callable) -> None:
    if section not in _CASEWORK:
        _CASEWORK.append(section)


def casework_sections(request, person) -> list[dict]:
    return [s for s in (section(request, person) for section in _CASEWORK) if s]
