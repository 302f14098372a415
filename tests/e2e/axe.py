"""axe-core in the browser (vendored: static/vendor/axe-core-*/axe.min.js): inject it into the
page under test, run it, fail on any serious or critical violation."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

AXE_VERSION = "4.14.1"
AXE_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")


def axe_violations(page, *, context: str | None = None) -> list[dict]:
    """The serious and critical violations axe finds on the page as it stands."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # The script's text goes in inline: the page's CSP forbids that, so the browser
        # context must be opened with bypass_csp=True (tests/e2e/test_accessibility.py).
        page.add_script_tag(path=str(AXE_PATH))
    results = page.evaluate(
        """async (context) => {
            const options = {resultTypes: ["violations"]};
            return await window.axe.run(context || document, options);
        }""",
        context,
    )
    return [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} @ {targets}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe(violations)}"
