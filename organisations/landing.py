"""What waits for each person when they sign in: panels that each app adds to the landing page.

`organisations` cannot read budgets, agreements or ledgers (imports run one way), so each app registers
a function in its AppConfig.ready() that returns the panels it has for this user, read through its own
scoped selectors. A panel is a dict: `title`, `lines` (plain sentences), `links` ([(text, url)]) and an
`order` (lower first).
"""

from collections.abc import Callable

_PANEL_MAKERS: list[Callable] = []


def register_landing_panels(maker: Callable) -> None:
    if maker not in _PANEL_MAKERS:
        _PANEL_MAKERS.append(maker)


def panel(title: str, *, lines=(), links=(), order: int = 50) -> dict:
    return {"title": title, "lines": list(lines), "links": list(links), "order": order}


def landing_panels(*, user) -> list[dict]:
    """Every app's panels for `user`, in order. Nothing for someone not signed in."""
    if not getattr(user, "is_authenticated", False):
        return []
    panels = []
    for maker in _PANEL_MAKERS:
        panels.extend(maker(user=user) or [])
    return sorted(panels, key=lambda p: p["order"])
