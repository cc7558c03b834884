"""Every `app-` class a template (or Python code that writes markup) uses is defined in the stylesheet,
so no page relies on a style that does not exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STYLESHEET = ROOT / "assets" / "application.scss"
APP_CLASS = re.compile(r"(?<![\w-])app-[a-z][a-z0-9_-]*[a-z0-9]")
CLASS_ATTRIBUTE = re.compile(r"""class\s*=\s*(["'])(.*?)\1""", re.S)
SKIP = {".venv", "node_modules", "static", "tests", "migrations", ".data"}


def _sources():
    for path in ROOT.rglob("*"):
        if path.suffix not in {".html", ".py", ".svg", ".txt"} or SKIP & set(path.relative_to(ROOT).parts):
            continue
        yield path


def classes_used() -> dict[str, set[str]]:
    """app- classes named in class attributes (templates, and markup written by Python)."""
    used: dict[str, set[str]] = {}
    for path in _sources():
        for _, value in CLASS_ATTRIBUTE.findall(path.read_text(encoding="utf-8", errors="replace")):
            for name in APP_CLASS.findall(value):
                used.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return used


def classes_defined(scss: str) -> set[str]:
    return set(re.findall(r"\.(app-[a-z][a-z0-9_-]*[a-z0-9])", scss))


def test_every_app_class_used_is_defined_in_the_stylesheet():
    used = classes_used()
    assert "app-directory-item" in used and "app-money" in used  # the scan finds templates
    missing = {
        name: sorted(files)
        for name, files in used.items()
        if name not in classes_defined(STYLESHEET.read_text())
    }
    assert not missing, f"app- classes used but not defined in assets/application.scss: {missing}"


def test_the_check_fails_when_a_definition_is_missing():
    scss = STYLESHEET.read_text().replace(".app-directory-item", ".app-directory-thing")
    assert "app-directory-item" not in classes_defined(scss)
