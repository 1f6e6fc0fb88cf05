"""bench/RESULTS.md says what was measured: the verdicts beside each target are computed."""

from typing import Any

from bench.report import comparison_section, drill_section, scale_section, verdict


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


def results_with(figure: dict[str, Any]) -> dict[str, Any]:
    rates = {"nginx": 40_000.0, "bare": 5_000.0, "full": 3_000.0}
    floor_run = {name: {"requests_per_second": rate, "p99_ms": 1.0} for name, rate in rates.items()}
    return {
        "scale": "standard",
        "statements": 10_000,
        "public_statements": 7_995,
        "when": "2026-12-06 11:00 UTC",
        "duration": 5,
        "connections": 16,
        "workers": 5,
        "slice_seconds": 3,
        "log_level": "INFO",
        "log_lines": 1234,
        "floors": [floor_run],
        "floor_rates": rates,
        "nginx_rate": rates["nginx"],
        "django_rate": rates["full"],
        "figures": [figure],
        "queries": {},
        "peak_worker_rss_mb": 90.0,
    }


def surface(
    rate: float,
    target: str,
    beside: dict[str, float] | None,
    cpu_ms: float | None = None,
    cpu_beside: dict[str, float] | None = None,
) -> dict[str, Any]:
    return {
        "cpu_ms": cpu_ms,
        "floors_cpu_beside": cpu_beside,
        "name": "a surface",
        "requests_per_second": rate,
        "p50_ms": 1.0,
        "p95_ms": 2.0,
        "p99_ms": 3.0,
        "errors": 0,
        "queries": 0,
        "target": target,
        "floor_rate": beside["full"] if beside else None,
        "floors_beside": beside,
        "pages": 200,
    }


def row(results: dict[str, Any]) -> str:
    return next(line for line in scale_section(results) if line.startswith("| a surface"))


def test_each_ratio_is_set_against_its_own_floor_beside_and_the_target_names_one() -> None:
    beside = {"nginx": 30_000.0, "bare": 4_000.0, "full": 2_500.0}
    through_varnish = surface(14_000.0, "≥ 0.5 \u00d7 nginx floor", beside)

    line = row(results_with(through_varnish))

    # Against the floors beside it, not the run's medians (40,000, 5,000 and 3,000).
    assert "| 200 | 14,000 |" in line
    assert "| 0.467 b | 3.500 b | 5.600 b |" in line
    assert line.endswith("| ≥ 0.5 \u00d7 nginx floor | MISSED |")
    assert verdict(through_varnish, {"nginx": 40_000.0}) == "MISSED"
    assert verdict({**through_varnish, "requests_per_second": 15_000.0}, {}) == "met"


def test_a_full_stack_target_is_held_to_the_full_stack_floor_only() -> None:
    beside = {"nginx": 30_000.0, "bare": 4_000.0, "full": 2_500.0}
    warm = surface(2_100.0, "≥ 0.8 \u00d7 full-stack Django floor", beside)
    # 0.84 of the full stack beside it, 0.525 of the bare view: met.
    assert verdict(warm, {}) == "met"
    assert verdict({**warm, "target": "≥ 0.8 \u00d7 bare Django floor"}, {}) == "MISSED"
    # An older results file's target and figure: the full-stack floor beside, as before.
    older = {**warm, "target": "≥ 0.8 \u00d7 Django floor", "floors_beside": None}
    assert verdict(older, 9_999.0) == "met"


def test_a_surface_without_floors_beside_is_set_against_the_medians() -> None:
    line = row(results_with(surface(300.0, "", None)))
    assert line.endswith("| 0.007 | 0.060 | 0.100 |  |  |")


def test_a_target_is_held_to_cpu_time_where_it_was_measured() -> None:
    beside = {"nginx": 30_000.0, "bare": 4_000.0, "full": 2_500.0}
    cpu_beside = {"nginx": 0.02, "bare": 0.1, "full": 0.25}
    # Half the full stack's req/s beside it (the machine was busy), but 0.3 ms of CPU a
    # request against the floor's 0.25: 0.833 of the floor, and the target is met.
    warm = surface(1_250.0, "\u2265 0.8 \u00d7 full-stack Django floor", beside, 0.3, cpu_beside)
    line = row(results_with(warm))
    assert "| 1,250 | 0.300 |" in line
    assert "| 0.067 / 0.042 b | 0.333 / 0.312 b | 0.833 / 0.500 b |" in line
    assert line.endswith("| met |")
    # A floor measured only in the run's floors: its CPU there.
    median_cpu = {"nginx": 0.015, "bare": 0.09, "full": 0.2}
    assert verdict({**warm, "floors_cpu_beside": None}, {}, median_cpu) == "MISSED"


def test_an_older_results_file_has_no_bare_floor_column() -> None:
    older = results_with(surface(3_000.0, "≥ 0.8 \u00d7 Django floor", None))
    del older["floor_rates"], older["log_level"]
    older["floors"] = [[{"requests_per_second": 40_000.0, "p99_ms": 1.0}] * 2]
    older["figures"][0].update(floor_rate=2_900.0, floors_beside=None)
    lines = scale_section(older)
    header = next(line for line in lines if line.startswith("| Surface"))
    assert "\u00d7 bare Django" not in header
    assert "\u00d7 nginx | \u00d7 full-stack Django |" in header
    assert "| 0.075 | 1.034 b |" in row(older)
