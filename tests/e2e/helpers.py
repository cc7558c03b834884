"""Helpers for real-browser tests: sign in through the pages, and check accessibility with axe."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from tests.conftest import current_code, totp_device_for

_axe = Axe()


def assert_accessible(page) -> None:
    """Fail on any serious or critical WCAG violation axe finds on the current page."""
    page.wait_for_load_state()  # a click waits only for the next page to start loading
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, "axe found: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )


def browser_sign_in(page, live_server, user, password, *, expect_two_factor: bool = True) -> None:
    """Sign in with email and password, then the security code for staff (whose authenticator app is
    already set up: the set-up itself is tested in test_foundation)."""
    if expect_two_factor:
        totp_device_for(user)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if expect_two_factor:
        page.get_by_label("Security code").fill(current_code(user))
        page.get_by_role("button", name="Continue").click()


# Set E2E_SCREENSHOTS to a folder to keep a full-page screenshot of every page checked at 320 px.
_SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")

_OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length)
    .filter((el) => !el.closest(".govuk-visually-hidden, .govuk-skip-link"))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + "." + String(el.className).split(" ").join("."));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def assert_fits_320(page, name: str = "") -> None:
    """WCAG reflow: at 320 px wide the page does not scroll sideways (document scrollWidth <= viewport
    width). Restores the viewport afterwards."""
    page.wait_for_load_state()
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 720})
    try:
        found = page.evaluate(_OVERFLOW)
        if _SCREENSHOTS and name:
            Path(_SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(_SCREENSHOTS) / f"{name}-320.png"), full_page=True)
    finally:
        if size:
            page.set_viewport_size(size)
    assert found["scroll"] <= found["width"], f"{page.url} scrolls sideways at 320 px: {found}"


def screenshot_at(page, name: str, width: int = 1280) -> None:
    """Keep a full-page screenshot at `width` px (when E2E_SCREENSHOTS names a folder)."""
    if not (_SCREENSHOTS and name):
        return
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": 900})
    try:
        Path(_SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(_SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    finally:
        if size:
            page.set_viewport_size(size)
