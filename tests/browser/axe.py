"""Accessibility scans with axe-core, vendored from npm (MPL-2.0, see its LICENSE)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_JS = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def serious_violations(page: Page, rules: list[str] | None = None) -> list[str]:
    """The serious and critical axe-core violations of the page, one line per element.

    ``rules`` limits the scan to those axe-core rules; by default it runs every
    rule of ``TAGS``.

    axe-core goes in through ``page.evaluate``, which the page's
    Content-Security-Policy does not govern, so the scan runs under the same
    policy as the page itself.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": TAGS}
    results: dict[str, Any] = page.evaluate(
        "(options) => axe.run(document, options)",
        {"runOnly": run_only, "resultTypes": ["violations"]},
    )
    return [
        f"{violation['id']} ({violation['impact']}) at {node['target']}: "
        + " ".join(check["message"] for check in node["any"] + node["all"] + node["none"])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
        for node in violation["nodes"]
    ]
