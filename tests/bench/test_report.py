"""bench/RESULTS.md says what was measured: the verdicts beside each target are computed."""

from typing import Any

from bench.report import comparison_section, drill_section


def run(scale: str, p95: dict[str, float], queries: dict[str, int]) -> dict[str, Any]:
    return {
        "scale": scale,
        "statements": 1_000_000 if scale == "large" else 10_000,
        "figures": [{"name": name, "p95_ms": value} for name, value in p95.items()],
        "queries": queries,
    }


def test_large_against_standard_holds_each_surface_to_its_own_factor() -> None:
    standard = run(
        "standard",
        {"API change feed": 10.0, "search, common term, uncached": 20.0},
        {"API change feed": 1, "search, common term, uncached": 6},
    )
    large = run(
        "large",
        {"API change feed": 16.0, "search, common term, uncached": 50.0},
        {"API change feed": 1, "search, common term, uncached": 7},
    )
    lines = comparison_section(standard, large)
    feed = next(line for line in lines if line.startswith("| API change feed"))
    search = next(line for line in lines if line.startswith("| search, common term"))
    assert "| 1.60 | ≤ 1.5 \u00d7 | MISSED |" in feed
    assert "| 2.50 | ≤ 3.0 \u00d7 | met |" in search
    assert "Query counts identical at both scales: **no**: search, common term, uncached." in lines


def test_a_drill_that_missed_says_so() -> None:
    lines = drill_section(
        [
            {
                "drill": "leaks",
                "when": "2026-11-26 21:00 UTC",
                "checks": [
                    {"name": "markers found", "measured": "0", "target": "0", "met": True},
                    {"name": "5xx answers", "measured": "2", "target": "0", "met": False},
                ],
                "notes": ["crawled 1,234 addresses"],
            }
        ]
    )
    assert "| leaks (2026-11-26 21:00 UTC) | markers found | 0 | 0 | met |" in lines
    assert "| leaks (2026-11-26 21:00 UTC) | 5xx answers | 2 | 0 | MISSED |" in lines
    assert "- crawled 1,234 addresses" in lines
