"""bench/RESULTS.md, written from the results files of the last run at each scale."""

import json
import re
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
TARGET_QUERIES = {
    "statement page, cold cache": 8,
    "statement page, cold, 300 signatories": 8,
    "API statements, 50 nested": 6,
    "API statements, 5 nested": 6,
}


# The floors a target may name, and their keys in a results file.
TARGET_FLOORS = {"nginx": "nginx", "bare Django": "bare", "full-stack Django": "full"}
TARGET = re.compile(r"≥ ([\d.]+) × (nginx|bare Django|full-stack Django|Django) floor")
FLOOR_LABELS = {"nginx": "nginx", "bare": "bare Django", "full": "full-stack Django"}


def floor_rates(results: dict[str, Any]) -> dict[str, float]:
    """The median of each floor's runs; an older results file had no bare Django floor."""
    if "floor_rates" in results:
        return dict(results["floor_rates"])
    return {"nginx": results["nginx_rate"], "full": results["django_rate"]}


def floor_beside(figure: dict[str, Any], rates: dict[str, float], floor: str = "full") -> float:
    """The floor's rate a surface is set against: that floor's slices around its own where
    they were made, else the median of the run's floors (0 where the run had no such floor)."""
    beside = figure.get("floors_beside") or {}
    if floor in beside:
        return float(beside[floor])
    if floor == "full" and figure.get("floor_rate"):
        return float(figure["floor_rate"])
    return rates.get(floor, 0.0)


def cpu_ratio(figure: dict[str, Any], floor_cpu: dict[str, float], floor: str) -> float | None:
    """The floor's CPU time per request over the surface's (1.0: the surface costs what
    the floor costs), the floor's slices beside where they were made; None unmeasured."""
    spent = figure.get("cpu_ms")
    against = (figure.get("floors_cpu_beside") or {}).get(floor) or floor_cpu.get(floor)
    return float(against / spent) if spent and against else None


def target_floor(target: str) -> tuple[float, str] | None:
    """The share and the floor a target names: "≥ 0.5 x nginx floor" gives (0.5, "nginx").
    "Django floor" alone, as older targets read, is the full-stack one."""
    found = TARGET.search(target)
    if not found:
        return None
    return float(found.group(1)), TARGET_FLOORS.get(found.group(2), "full")


def ratio(
    figure: dict[str, Any], rates: dict[str, float], floor: str, floor_cpu: dict[str, float]
) -> float:
    """What a target holds a surface to: the floor's CPU time per request over the
    surface's where both were measured, else its rate over the floor's."""
    by_cpu = cpu_ratio(figure, floor_cpu, floor)
    if by_cpu is not None:
        return by_cpu
    against = floor_beside(figure, rates, floor)
    return float(figure["requests_per_second"] / against) if against else 0.0


def verdict(
    figure: dict[str, Any],
    rates: dict[str, float] | float,
    floor_cpu: dict[str, float] | None = None,
) -> str:
    if not isinstance(rates, dict):
        rates = {"full": rates}
    named = target_floor(figure["target"])
    if named is None:
        return ""
    share, floor = named
    return "met" if ratio(figure, rates, floor, floor_cpu or {}) >= share else "MISSED"


def scale_section(results: dict[str, Any]) -> list[str]:
    rates = floor_rates(results)
    floor_cpu = results.get("floor_cpu_ms", {})
    names = [name for name in FLOOR_LABELS if name in rates]
    described = ", ".join(
        f"{results.get('floor_names', {}).get(name, FLOOR_LABELS[name])} "
        f"**{rates[name]:,.0f} req/s**"
        + (f", {floor_cpu[name]:.3f} ms CPU a request" if floor_cpu.get(name) else "")
        for name in names
    )
    logging = (
        f" Request log at {results['log_level']}, as deployed ({results['log_lines']:,} lines "
        "written in the run)."
        if "log_level" in results
        else ""
    )
    lines = [
        f"## Scale: {results['scale']} ({results['statements']:,} statements, "
        f"{results['public_statements']:,} public) — run {results['when']}",
        "",
        f"wrk: {results['duration']} s per surface, {results['connections']} connections, "
        f"2 threads; gunicorn {results['workers']} sync workers.{logging} Floors (median of "
        f"{len(results['floors'])} runs interleaved with the surfaces): {described}.",
        "",
        "A surface with a target against a floor is measured in slices of "
        f"{results['slice_seconds']} s, each between two sets of slices of the floors, and "
        "set against the mean of each floor's slices around its own (*beside*): the "
        "machine's speed moves within seconds, and so cancels out. Its req/s is the mean of "
        "its slices, p50 their median, p95 and p99 the highest of any slice. The others are "
        "set against the median of the floor runs. A warm surface goes through *pages* "
        "different addresses in turn. *CPU ms* is the serving processes' CPU time "
        "(gunicorn's workers, or varnishd) per request, read from /proc around each load. "
        "Each ratio column names its floor: the floor's CPU time per request over the "
        "surface's, then, after the slash, the surface's req/s over the floor's; *b* marks "
        "a ratio to the floor's slices beside. A target names the floor it is held to and "
        "is held to the CPU ratio where it was measured (the machine is shared: other work "
        "takes the cores from surface and floor alike, and req/s on a loaded machine say "
        "more of the load than of the site).",
        "",
        "| Surface | pages | req/s | CPU ms | p50 ms | p95 ms | p99 ms | errors | queries | "
        + " | ".join(f"× {FLOOR_LABELS[name]}" for name in names)
        + " | target | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(names) + "---|---|",
    ]
    for figure in results["figures"]:
        rate = figure["requests_per_second"]
        cells = []
        for name in names:
            against = floor_beside(figure, rates, name)
            measured_beside = name in (figure.get("floors_beside") or {}) or (
                name == "full" and figure.get("floor_rate")
            )
            by_cpu = cpu_ratio(figure, floor_cpu, name)
            cells.append(
                ("" if by_cpu is None else f"{by_cpu:.3f} / ")
                + f"{rate / against if against else 0:.3f}"
                + (" b" if measured_beside else "")
            )
        cpu = figure.get("cpu_ms")
        lines.append(
            f"| {figure['name']} | {figure.get('pages', 1)} | {rate:,.0f} "
            f"| {'' if cpu is None else f'{cpu:.3f}'} "
            f"| {figure['p50_ms']:.1f} | {figure.get('p95_ms', 0):.1f} | {figure['p99_ms']:.1f} "
            f"| {figure['errors']} | {figure['queries']} | "
            + " | ".join(cells)
            + f" | {figure['target']} | {verdict(figure, rates, floor_cpu)} |"
        )
    lines += ["", "Floor runs, in order:", ""]
    for run in results["floors"]:
        if isinstance(run, list):  # an older results file: nginx, then Django
            run = dict(zip(("nginx", "full"), run, strict=True))
        lines.append(
            "- "
            + "; ".join(
                f"{FLOOR_LABELS[name]} {run[name]['requests_per_second']:,.0f} req/s "
                f"(p99 {run[name]['p99_ms']:.2f} ms"
                + (f", {run[name]['cpu_ms']:.3f} ms CPU" if run[name].get("cpu_ms") else "")
                + ")"
                for name in names
                if name in run
            )
        )
    lines += ["", "Queries per response (first request, cold cache where it applies):", ""]
    for name, count in results["queries"].items():
        limit = TARGET_QUERIES.get(name)
        mark = f" (target ≤ {limit}: {'met' if count <= limit else 'MISSED'})" if limit else ""
        lines.append(f"- {name}: {count}{mark}")
    rss = results["peak_worker_rss_mb"]
    lines += [
        "",
        f"Peak gunicorn worker RSS (VmHWM): **{rss:.0f} MB** "
        f"(target < 200 MB: {'met' if rss < 200 else 'MISSED'}).",
        "",
    ]
    return lines


# Large scale against standard: p95 may grow by at most this factor.
SCALE_TARGETS = {
    "statement page, cold cache": 1.5,
    "API statement detail": 1.5,
    "statements list, page 1, uncached": 1.5,
    "API statements, 50 nested": 1.5,
    "statements list, deep page, uncached": 1.5,
    "API change feed": 1.5,
    "search, selective term, uncached": 3.0,
    "search, common term, uncached": 3.0,
}


def comparison_section(standard: dict[str, Any], large: dict[str, Any]) -> list[str]:
    lines = [
        "## Large scale against standard",
        "",
        f"p95 latency at {large['statements']:,} statements against {standard['statements']:,}, "
        "surfaces built on every request (no page cache).",
        "",
        "| Surface | standard p95 ms | large p95 ms | × | target | | queries (standard / large) |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    before = {figure["name"]: figure for figure in standard["figures"]}
    after = {figure["name"]: figure for figure in large["figures"]}
    for name, limit in SCALE_TARGETS.items():
        if name not in before or name not in after:
            continue
        old, new = before[name].get("p95_ms", 0), after[name].get("p95_ms", 0)
        ratio = new / old if old else float("inf")
        queries = f"{standard['queries'].get(name)} / {large['queries'].get(name)}"
        lines.append(
            f"| {name} | {old:.1f} | {new:.1f} | {ratio:.2f} | ≤ {limit} × "
            f"| {'met' if ratio <= limit else 'MISSED'} | {queries} |"
        )
    differing = [
        name
        for name, count in standard["queries"].items()
        if large["queries"].get(name, count) != count
    ]
    lines += [
        "",
        "Query counts identical at both scales: "
        + ("yes." if not differing else f"**no**: {', '.join(differing)}."),
        "",
    ]
    return lines


def drill_section(drills: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Checks and drills",
        "",
        "The serialisation comparison, the cold statement page's parts, EXPLAIN, the admin",
        "changelist and worker memory are run by `make bench`; the leak crawl, fuzzing, XSS,",
        "load and fault drills by `make drill`. Each row is the last run of its check.",
        "",
        "| Check | | measured | target | |",
        "|---|---|---|---|---|",
    ]
    for drill in drills:
        for check in drill["checks"]:
            lines.append(
                f"| {drill['drill']} ({drill['when']}) | {check['name']} | {check['measured']} "
                f"| {check['target']} | {'met' if check['met'] else 'MISSED'} |"
            )
    for drill in drills:
        if drill["notes"]:
            lines += ["", f"{drill['drill']}:", ""]
            lines += [f"- {note}" for note in drill["notes"]]
    return [*lines, ""]


def write_report() -> None:
    runs = [
        json.loads(path.read_text())
        for path in sorted(BENCH.glob("results-*.json"))
        if not path.name.startswith("results-drill-")
    ]
    drills = [json.loads(path.read_text()) for path in sorted(BENCH.glob("results-drill-*.json"))]
    notes = BENCH / "NOTES.md"
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py, bench/report.py); do not edit by hand —",
        "findings and what is not measured yet are in bench/NOTES.md, copied below.",
        "",
    ]
    if runs:
        lines += ["## Machine", ""]
        lines += [f"- {key}: {value}" for key, value in runs[-1]["machine"].items()]
        lines.append("")
    for results in runs:
        lines += scale_section(results)
    by_scale = {results["scale"]: results for results in runs}
    if "standard" in by_scale and "large" in by_scale:
        lines += comparison_section(by_scale["standard"], by_scale["large"])
    if drills:
        lines += drill_section(drills)
    lines += [
        "## How to reproduce",
        "",
        "```",
        "make bench                      # standard scale: generates chorus_bench, then runs",
        "make bench BENCH_SCALE=large    # the same surfaces on a million statements",
        "make drill                      # leak crawl, fuzzing, load and fault drills",
        "python -m bench.worker_choice   # the overload drill through Varnish, per worker",
        "```",
        "",
        "PostgreSQL and Redis on 127.0.0.1; wrk, nginx and Varnish are installed with apt-get",
        "when missing. Everything listens on loopback only.",
        "",
    ]
    if notes.exists():
        lines += [notes.read_text()]
    (BENCH / "RESULTS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    write_report()
