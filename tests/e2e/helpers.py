"""Helpers for real-browser tests: sign in through the pages, and check accessibility with axe."""

from axe_playwright_python.sync_playwright import Axe

from tests.conftest import current_code, totp_device_for

_axe = Axe()


def assert_accessible(page) -> None:
    """Fail on any serious or critical WCAG violation axe finds on the current page."""
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
