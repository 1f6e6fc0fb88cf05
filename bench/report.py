"""bench/RESULTS.md, written from the results files of the last run at each scale."""

import json
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
TARGET_QUERIES = {
    "statement page, cold cache": 8,
    "statement page, cold, 300 signatories": 8,
    "API statements, 50 nested": 6,
    "API statements, 5 nested": 6,
}


def floor_beside(figure: dict[str, Any], django_rate: float) -> float:
    """The Django floor a surface is set against: the floor's slices around its own where
    they were made, else the median of the run's floors."""
    return figure.get("floor_rate") or django_rate


def verdict(figure: dict[str, Any], django_rate: float) -> str:
    target = figure["target"]
    floor = floor_beside(figure, django_rate)
    ratio = figure["requests_per_second"] / floor if floor else 0
    if "0.25" in target:
        return "met" if ratio >= 0.25 else "MISSED"
    if "0.8" in target:
        return "met" if ratio >= 0.8 else "MISSED"
    return ""


def scale_section(results: dict[str, Any]) -> list[str]:
    nginx_rate, django_rate = results["nginx_rate"], results["django_rate"]
    lines = [
        f"## Scale: {results['scale']} ({results['statements']:,} statements, "
        f"{results['public_statements']:,} public) — run {results['when']}",
        "",
        f"wrk: {results['duration']} s per surface, {results['connections']} connections, "
        f"2 threads; gunicorn {results['workers']} sync workers. Floors (median of "
        f"{len(results['floors'])} runs interleaved with the surfaces): nginx "
        f"**{nginx_rate:,.0f} req/s**, minimal Django view **{django_rate:,.0f} req/s**.",
        "",
        "A surface whose target is a share of the Django floor is measured in slices of "
        f"{results['slice_seconds']} s, each between two slices of the floor, and set "
        "against the mean of the floor's slices around its own (*floor beside*): the "
        "machine's speed moves within seconds, and so cancels out. Its req/s is the mean of "
        "its slices, p50 their median, p95 and p99 the highest of any slice. The others are "
        "set against the median of the floor runs.",
        "",
        "| Surface | req/s | p50 ms | p95 ms | p99 ms | errors | queries | × nginx "
        "| floor beside | × Django | target | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for figure in results["figures"]:
        rate = figure["requests_per_second"]
        floor = floor_beside(figure, django_rate)
        beside = f"{floor:,.0f}" if figure.get("floor_rate") else ""
        lines.append(
            f"| {figure['name']} | {rate:,.0f} | {figure['p50_ms']:.1f} "
            f"| {figure.get('p95_ms', 0):.1f} | {figure['p99_ms']:.1f} "
            f"| {figure['errors']} | {figure['queries']} | {rate / nginx_rate:.3f} "
            f"| {beside} | {rate / floor:.2f} | {figure['target']} "
            f"| {verdict(figure, django_rate)} |"
        )
    lines += ["", "Floor runs, in order:", ""]
    for nginx, django in results["floors"]:
        lines.append(
            f"- nginx {nginx['requests_per_second']:,.0f} req/s (p99 {nginx['p99_ms']:.2f} ms); "
            f"Django {django['requests_per_second']:,.0f} req/s (p99 {django['p99_ms']:.1f} ms)"
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
        "```",
        "",
        "PostgreSQL and Redis on 127.0.0.1; wrk and nginx are installed with apt-get when",
        "missing. Everything listens on loopback only.",
        "",
    ]
    if notes.exists():
        lines += [notes.read_text()]
    (BENCH / "RESULTS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    write_report()
