"""Browser tests: Playwright driving the system Chromium against a live server, with an
axe-core check on every page."""

import os
from pathlib import Path

import pytest

from tests.conftest import require

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require("browser", Path(CHROMIUM).exists(),
            f"needs Chromium at {CHROMIUM} (Debian package 'chromium')")
    return browser_type_launch_args | {
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which the site's CSP (rightly) forbids.
    return browser_context_args | {"bypass_csp": True}


@pytest.fixture
def axe():
    """``axe(page)`` runs axe-core on the page and fails on serious or critical issues."""
    require("browser", AXE.exists(), "needs node_modules/axe-core (npm ci)")

    def check(page):
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        bad = [
            f"{v['impact']}: {v['id']} – {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], f"axe-core found on {page.url}:\n" + "\n".join(bad)
        return result

    return check
