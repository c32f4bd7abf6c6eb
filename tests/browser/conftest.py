"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Run by `make test` like every other test; `make test` installs Debian's chromium when it is
missing. A failing test leaves a full-page screenshot under test-results/.
"""

import os
import re
from pathlib import Path

import pytest
from django.core import mail

# Playwright's sync API runs an event loop in this thread; the test still talks to the
# database synchronously, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "assets" / "axe.min.js"
# The browser's own clock is somewhere other than the server's default (New York), as a real
# client's often is: sign-up takes the time zone from the browser.
BROWSER_ZONE = "Europe/Lisbon"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "timezone_id": BROWSER_ZONE,
}
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "timezone_id": BROWSER_ZONE}
VIEWPORTS = {"phone": PHONE, "laptop": LAPTOP}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # As root in a container, without the network: no sandbox, no background connections.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--autoplay-policy=no-user-gesture-required",
        ],
    }


@pytest.fixture
def site(live_server):
    return live_server.url


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(params=["phone", "laptop"])
def viewport_page(request, browser, pytestconfig):
    """A page on a phone and then on a laptop, where axe-core may run (it is injected as a
    script, which the site's CSP would otherwise refuse). Saves a screenshot if the test fails,
    as pytest-playwright does for its own `page`."""
    context = browser.new_context(**VIEWPORTS[request.param], bypass_csp=True)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = Path(pytestconfig.getoption("--output")) / re.sub(r"\W+", "-", request.node.name)
        page.screenshot(path=folder / "test-failed.png", full_page=True)
    context.close()


def sign_in(page, site, email, password):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def last_code_sent_to(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    return re.search(r"^([A-Z0-9]{4}-?[A-Z0-9]{4}|[A-Z0-9]{6})$", message.body, re.M)[1]


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page and return its violations, with the offending nodes."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]
