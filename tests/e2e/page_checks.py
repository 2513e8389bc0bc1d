"""Checks any browser journey can run on the page it is on: accessibility (axe-core), horizontal overflow.

axe-core comes from the npm registry (package.json; `make test` runs `npm ci` when npm is present). Without
it the accessibility check skips with the reason, like the journeys do without Chromium.
"""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
# WCAG 2.1 A and AA rules (colour contrast included) plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page, *, impacts=BLOCKING_IMPACTS, exclude=()) -> list[dict]:
    """Run axe-core on the page as it is now; the violations of the given impacts.

    exclude: CSS selectors of parts checked elsewhere (e.g. the site frame, by its own journeys)."""
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing (npm ci); accessibility checks skipped")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async ([tags, exclude]) => await axe.run(
            exclude.length ? {exclude: exclude.map((selector) => [selector])} : document,
            {runOnly: {type: 'tag', values: tags}})""",
        [AXE_TAGS, list(exclude)],
    )
    return [v for v in results["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """A readable list: rule, impact, and the first few offending elements."""
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return "\n".join(lines)


def assert_accessible(page, *, exclude=()) -> None:
    """No serious or critical axe-core violation on the page (outside the `exclude` selectors)."""
    violations = axe_violations(page, exclude=exclude)
    assert not violations, f"{page.url}:\n{describe(violations)}"


def horizontal_overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def assert_no_horizontal_overflow(page) -> None:
    overflow = horizontal_overflow(page)
    assert overflow <= 0, (
        f"{page.url} is {overflow}px wider than the {page.viewport_size['width']}px viewport"
    )
