"""bench/run.py sets a surface against the floors measured in the seconds around it."""

from collections.abc import Callable

from bench.run import SLICE_SECONDS, Load, alternated, cpu_used


def test_a_surface_alternates_with_the_floor_and_meets_its_own_neighbours() -> None:
    calls: list[str] = []
    # The machine slows down then speeds up: the surface always runs at 90 % of the floor
    # measured around it, whatever the speed of the moment.
    speeds = iter([1000.0, 900.0, 800.0, 500.0, 700.0, 1200.0])
    surface_rates = iter([855.0, 765.0, 585.0, 540.0, 855.0])
    latencies = iter([(5.0, 9.0, 1, 7.0), (4.0, 20.0, 0, 12.0), (6.0, 8.0, 2, 7.5)])

    def floor(seconds: int) -> Load:
        assert seconds == SLICE_SECONDS
        calls.append("floor")
        return (next(speeds), 1.0, 2.0, 0, 1.5, 0.25)

    def surface(seconds: int) -> Load:
        assert seconds == SLICE_SECONDS
        calls.append("surface")
        return (next(surface_rates), *next(latencies, (5.0, 9.0, 0, 7.0)), 0.3)

    (rate, p50, p99, errors, p95, cpu), beside, cpu_beside = alternated(
        surface, {"full": floor}, 5 * SLICE_SECONDS
    )

    assert calls == ["floor"] + ["surface", "floor"] * 5
    assert rate == (855 + 765 + 585 + 540 + 855) / 5
    # Each slice's floor is the mean of the two around it: 950, 850, 650, 600, 950.
    assert beside == {"full": (950 + 850 + 650 + 600 + 950) / 5}
    assert round(rate / beside["full"], 6) == 0.9
    assert (p50, p99, errors, p95) == (5.0, 20.0, 3, 12.0)
    assert round(cpu, 6) == 0.3
    assert cpu_beside == {"full": 0.25}


def test_a_short_duration_still_alternates_three_times() -> None:
    calls: list[str] = []

    def floor(seconds: int) -> Load:
        calls.append("floor")
        return (100.0, 1.0, 2.0, 0, 1.5, 0.0)

    def surface(seconds: int) -> Load:
        calls.append("surface")
        return (80.0, 1.0, 2.0, 0, 1.5, 0.0)

    (rate, *_), beside, _cpu = alternated(surface, {"full": floor}, 1)
    assert calls.count("surface") == 3
    assert calls.count("floor") == 4
    assert rate / beside["full"] == 0.8


def test_each_floor_is_measured_in_every_gap_and_set_beside_on_its_own() -> None:
    calls: list[str] = []
    # nginx slows down as the run goes on; the bare view is steady; the full stack speeds
    # up, and its CPU time per request falls as it does.
    rates = {
        "nginx": iter([40_000.0, 36_000.0, 32_000.0, 28_000.0]),
        "bare": iter([5_000.0] * 4),
        "full": iter([3_000.0, 3_200.0, 3_400.0, 3_600.0]),
    }
    cpu = {
        "nginx": iter([0.02] * 4),
        "bare": iter([0.1] * 4),
        "full": iter([0.4, 0.3, 0.2, 0.1]),
    }

    def floor(name: str) -> Callable[[int], Load]:
        def measure(seconds: int) -> Load:
            calls.append(name)
            return (next(rates[name]), 1.0, 2.0, 0, 1.5, next(cpu[name]))

        return measure

    surface_cpu = iter([0.04, 0.05, 0.06])

    def surface(seconds: int) -> Load:
        calls.append("surface")
        return (17_000.0, 1.0, 2.0, 0, 1.5, next(surface_cpu))

    (rate, *_, spent), beside, cpu_beside = alternated(
        surface, {name: floor(name) for name in ("nginx", "bare", "full")}, 3 * SLICE_SECONDS
    )

    assert calls == ["nginx", "bare", "full"] + ["surface", "nginx", "bare", "full"] * 3
    # Each floor's slices around each surface slice: (40+36)/2, (36+32)/2, (32+28)/2 thousand.
    assert beside["nginx"] == (38_000 + 34_000 + 30_000) / 3
    assert beside["bare"] == 5_000
    assert beside["full"] == (3_100 + 3_300 + 3_500) / 3
    assert rate / beside["nginx"] == 0.5
    assert round(spent, 6) == 0.05
    assert round(cpu_beside["full"], 6) == round((0.35 + 0.25 + 0.15) / 3, 6)
    assert round(cpu_beside["nginx"] / spent, 6) == 0.4


def test_cpu_time_counts_a_process_started_between_readings_from_nothing() -> None:
    before = {10: 5.0, 11: 2.0, 12: 1.0}
    # 12 was recycled: gone, and 13 took its place.
    after = {10: 6.5, 11: 2.25, 13: 0.5}
    assert cpu_used(before, after) == 1.5 + 0.25 + 0.5
