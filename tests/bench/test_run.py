"""bench/run.py sets a surface against the floors measured in the seconds around it."""

from collections.abc import Callable

from bench.run import SLICE_SECONDS, alternated


def test_a_surface_alternates_with_the_floor_and_meets_its_own_neighbours() -> None:
    calls: list[str] = []
    # The machine slows down then speeds up: the surface always runs at 90 % of the floor
    # measured around it, whatever the speed of the moment.
    speeds = iter([1000.0, 900.0, 800.0, 500.0, 700.0, 1200.0])
    surface_rates = iter([855.0, 765.0, 585.0, 540.0, 855.0])
    latencies = iter([(5.0, 9.0, 1, 7.0), (4.0, 20.0, 0, 12.0), (6.0, 8.0, 2, 7.5)])

    def floor(seconds: int) -> float:
        assert seconds == SLICE_SECONDS
        calls.append("floor")
        return next(speeds)

    def surface(seconds: int) -> tuple[float, float, float, int, float]:
        assert seconds == SLICE_SECONDS
        calls.append("surface")
        return (next(surface_rates), *next(latencies, (5.0, 9.0, 0, 7.0)))

    (rate, p50, p99, errors, p95), beside = alternated(surface, {"full": floor}, 5 * SLICE_SECONDS)

    assert calls == ["floor"] + ["surface", "floor"] * 5
    assert rate == (855 + 765 + 585 + 540 + 855) / 5
    # Each slice's floor is the mean of the two around it: 950, 850, 650, 600, 950.
    assert beside == {"full": (950 + 850 + 650 + 600 + 950) / 5}
    assert round(rate / beside["full"], 6) == 0.9
    assert (p50, p99, errors, p95) == (5.0, 20.0, 3, 12.0)


def test_a_short_duration_still_alternates_three_times() -> None:
    calls: list[str] = []

    def floor(seconds: int) -> float:
        calls.append("floor")
        return 100.0

    def surface(seconds: int) -> tuple[float, float, float, int, float]:
        calls.append("surface")
        return (80.0, 1.0, 2.0, 0, 1.5)

    (rate, *_), beside = alternated(surface, {"full": floor}, 1)
    assert calls.count("surface") == 3
    assert calls.count("floor") == 4
    assert rate / beside["full"] == 0.8


def test_each_floor_is_measured_in_every_gap_and_set_beside_on_its_own() -> None:
    calls: list[str] = []
    # nginx slows down as the run goes on; the bare view is steady; the full stack speeds up.
    rates = {
        "nginx": iter([40_000.0, 36_000.0, 32_000.0, 28_000.0]),
        "bare": iter([5_000.0] * 4),
        "full": iter([3_000.0, 3_200.0, 3_400.0, 3_600.0]),
    }

    def floor(name: str) -> Callable[[int], float]:
        def measure(seconds: int) -> float:
            calls.append(name)
            return next(rates[name])

        return measure

    def surface(seconds: int) -> tuple[float, float, float, int, float]:
        calls.append("surface")
        return (17_000.0, 1.0, 2.0, 0, 1.5)

    (rate, *_), beside = alternated(
        surface, {name: floor(name) for name in ("nginx", "bare", "full")}, 3 * SLICE_SECONDS
    )

    assert calls == ["nginx", "bare", "full"] + ["surface", "nginx", "bare", "full"] * 3
    # Each floor's slices around each surface slice: (40+36)/2, (36+32)/2, (32+28)/2 thousand.
    assert beside["nginx"] == (38_000 + 34_000 + 30_000) / 3
    assert beside["bare"] == 5_000
    assert beside["full"] == (3_100 + 3_300 + 3_500) / 3
    assert rate / beside["nginx"] == 0.5
