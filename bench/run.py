"""Benchmark the public site and the partner API against two floors, in one run.

    python -m bench.run --database postgres://postgres@127.0.0.1:5432/chorus_bench

Starts the production stack on loopback (gunicorn with config/gunicorn.py, 2 x cores + 1
workers, PostgreSQL, Redis) serving bench/wsgi.py, and nginx serving the statement page's
exact bytes as a file. Each surface is loaded with wrk for a fixed time and connection
count; the two floors (nginx, and a minimal Django view behind the same middleware and
gunicorn) are measured between the surfaces, so drift on the machine reaches both. A
surface whose target is a share of the Django floor is measured in short slices that
alternate with slices of that floor, and set against the floor's slices beside it. The
figures go to bench/results-<scale>.json, and bench/RESULTS.md is written from every
results file present.
"""

import argparse
import functools
import http.client
import json
import math
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.stack import (
    DEFAULT_REDIS,
    ensure_command,
    fetch,
    free_port,
    psql,
    running_stack,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable

# wrk's threads, each with a Lua state of its own.
WRK_THREADS = 2
# Each wrk script requests its paths in turn, each thread every other one, from its own
# first: the cold statement page never asks twice for the same statement while the list
# lasts. A fresh script also makes every address its own (`n=` the run of wrk, the thread
# and the count), never asked for before by this run, another thread or an earlier run.
ROTATE_LUA = """
local paths = {}
for line in io.lines("%(listing)s") do paths[#paths + 1] = line end
local run = os.getenv("BENCH_RUN") or "0"
local threads = 0
function setup(thread)
  thread:set("thread", threads)
  threads = threads + 1
end
local counter = 0
request = function()
  local path = paths[(thread + counter * %(threads)d) %% #paths + 1]
  counter = counter + 1
  if %(fresh)s then
    local joiner = path:find("?", 1, true) and "&" or "?"
    path = path .. joiner .. "n=" .. run .. "-" .. thread .. "-" .. counter
  end
  return wrk.format("GET", path)
end
"""


# A surface set against the Django floor runs in slices this long, each between two slices
# of the floor: the machine's speed moves within seconds, by more than a target's margin.
SLICE_SECONDS = 3
# wrk prints p50, p75, p90 and p99; the scale targets speak of p95.
DONE_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("p95_us %d\\n", latency:percentile(95)))
end
"""


@dataclass
class Figure:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    p95_ms: float
    queries: int | None = None
    target: str = ""
    # For a surface whose target is against the Django floor: the floor's rate measured in
    # the slices around the surface's own (see `alternated`), so the machine's drift cancels.
    floor_rate: float | None = None


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(
    url: str,
    duration: int,
    connections: int,
    script: Path | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[float, float, float, int, float]:
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write((script.read_text() if script else "") + DONE_LUA)
    command += ["-s", lua.name]
    output = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BENCH_RUN": secrets.token_hex(4)},
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*?timeout (\d+)"):
        found = re.search(pattern, output)
        errors += int(found.group(1)) if found else 0
    Path(lua.name).unlink()
    p95 = int(re.search(r"p95_us (\d+)", output).group(1)) / 1000  # type: ignore[union-attr]
    return rate, p50, p99, errors, p95


def alternated(
    surface: Callable[[int], tuple[float, float, float, int, float]],
    floor: Callable[[int], float],
    duration: int,
) -> tuple[tuple[float, float, float, int, float], float]:
    """`surface` measured in slices of SLICE_SECONDS filling `duration` (three at least),
    with a slice of `floor` before and after each: floor, surface, floor, surface, floor.

    Returns the surface's figures over its slices (the mean rate, the median p50, the
    highest p95 and p99, every error) and the floor beside it: the mean, over the
    surface's slices, of the two floor slices around each. Set against each other, two
    rates measured within seconds of each other keep their ratio when the machine slows
    down or speeds up between slices.
    """
    count = max(3, math.ceil(duration / SLICE_SECONDS))
    floors = [floor(SLICE_SECONDS)]
    slices = []
    for _ in range(count):
        slices.append(surface(SLICE_SECONDS))
        floors.append(floor(SLICE_SECONDS))
    beside = statistics.fmean((floors[i] + floors[i + 1]) / 2 for i in range(count))
    rate = statistics.fmean(part[0] for part in slices)
    p50 = statistics.median(part[1] for part in slices)
    p99 = max(part[2] for part in slices)
    errors = sum(part[3] for part in slices)
    p95 = max(part[4] for part in slices)
    return (rate, p50, p99, errors, p95), beside


def rotation(work: Path, name: str, paths: list[str], fresh: bool = False) -> Path:
    """A wrk script asking for `paths` in turn: none of them twice while the list lasts,
    and, when `fresh`, each time at an address of its own."""
    listing = work / f"{name}.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = work / f"{name}.lua"
    script.write_text(
        ROTATE_LUA
        % {"listing": listing, "threads": WRK_THREADS, "fresh": "true" if fresh else "false"}
    )
    return script


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]

    def version(command: list[str]) -> str:
        try:
            result = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError:
            return "not found"
        return (result.stdout or result.stderr).strip().splitlines()[0]

    import django

    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": version(["psql", "--version"]),
        "redis": version(["redis-server", "--version"]),
        "wrk": version(["wrk", "--version"]),
        "nginx": version(["nginx", "-v"]),
        "gunicorn": version([str(Path(PYTHON).parent / "gunicorn"), "--version"]),
    }


def public_statement_paths(database: str, limit: int) -> list[str]:
    sql = (
        "SELECT '/statements/' || extract(year FROM issued_on)::int || '/' "
        "|| slug || '/' FROM campaigns_statement WHERE status = 'published' "
        f"AND publish_at <= now() AND withdrawn_at IS NULL ORDER BY id LIMIT {int(limit)}"
    )
    return psql(database, sql).split()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chorus_bench"
        ),
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--scale", default="standard")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    arguments = parser.parse_args(argv)
    ensure_command("wrk", "wrk")
    ensure_command("nginx", "nginx-light")

    database = arguments.database
    nginx_port = free_port()
    with running_stack(database, arguments.redis) as stack:
        workers = len(stack.worker_pids())
        base = stack.base
        work = stack.work
        nginx: subprocess.Popen[bytes] | None = None
        try:
            statements = public_statement_paths(database, 100_000)
            widest = statements[0]
            demo_shaped = statements[1]

            # The nginx floor: the statement page's exact bytes, as a file.
            status, _headers, page = fetch(base + demo_shaped)
            if status != 200:
                raise SystemExit(f"{demo_shaped} answered {status}")
            (work / "www").mkdir()
            (work / "www" / "statement.html").write_bytes(page)
            (work / "nginx.conf").write_text(
                f"worker_processes auto; pid {work}/nginx.pid; error_log {work}/nginx-error.log;\n"
                "events { worker_connections 1024; }\n"
                f"http {{ access_log off; client_body_temp_path {work}; proxy_temp_path {work};\n"
                f"  fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};\n"
                f"  server {{ listen 127.0.0.1:{nginx_port}; root {work}/www;\n"
                "    location / { default_type text/html; } } }\n"
            )
            nginx = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-g", "daemon off;"])
            wait_for(f"http://127.0.0.1:{nginx_port}/statement.html")

            cold_script = rotation(work, "cold", statements[2:])

            def uncached(path: str) -> Path:
                """`path` asked for afresh each time: a parameter the view ignores makes
                each address new to the page cache, so the page is built every time."""
                name = re.sub(r"\W+", "-", path).strip("-") or "root"
                return rotation(work, name, [path], fresh=True)

            campaign = (
                "/campaigns/"
                + psql(database, "SELECT slug FROM campaigns_campaign ORDER BY id LIMIT 1")
                + "/"
            )
            law = psql(
                database,
                "SELECT '/laws/' || lower(country) || '/' || slug || '/' "
                "FROM legislation_law ORDER BY id LIMIT 1",
            )
            public_count = len(statements)
            # The last page the list offers (it lists no further than its depth).
            _status, _headers, first_page = fetch(f"{base}/statements/")
            pages = re.search(rb"Page 1 of ([\d,]+)", first_page)
            deep = f"/statements/?page={pages.group(1).decode().replace(',', '') if pages else 1}"
            statement_id = int(re.search(r"statement-(\d+)", demo_shaped).group(1))  # type: ignore[union-attr]
            _status, api_headers, _body = fetch(f"{base}/api/v1/statements/{statement_id}/")
            etag = api_headers.get("ETag", "")
            warm = {"target": "≥ 0.8 × Django floor"}
            selective, common = "/search/?q=quinquereme", "/search/?q=freedom"

            surfaces: list[tuple[str, str, dict[str, Any]]] = [
                # The target's page: the demo-shaped statement (8 signatories, 7 demands),
                # built afresh for every request.
                (
                    "statement page, cold cache",
                    demo_shaped,
                    {
                        "target": "≥ 0.25 × Django floor, ≤ 8 queries",
                        "script": uncached(demo_shaped),
                        "flush": True,
                    },
                ),
                # Every public statement once, 1 to 300 signatories: what a crawler costs.
                (
                    "statement page, cold, each statement in turn",
                    statements[2],
                    {"script": cold_script},
                ),
                ("statement page, warm cache", demo_shaped, warm),
                ("campaign page, warm", campaign, warm),
                ("law page, warm", law, warm),
                # The tracker leads with its world map and charts, drawn with the page.
                ("law tracker with its map, warm", "/laws/", warm),
                (
                    "law tracker with its map, uncached",
                    "/laws/?n=-1",
                    {"script": uncached("/laws/")},
                ),
                ("statements list, page 1, warm", "/statements/", warm),
                (
                    "statements list, page 1, uncached",
                    "/statements/?n=-1",
                    {"script": uncached("/statements/")},
                ),
                ("statements list, deep page, warm", deep, warm),
                (
                    "statements list, deep page, uncached",
                    f"{deep}&n=-1",
                    {"script": uncached(deep)},
                ),
                ("search, selective term, warm", selective, warm),
                (
                    "search, selective term, uncached",
                    f"{selective}&n=-1",
                    {"script": uncached(selective)},
                ),
                ("search, common term, warm", common, warm),
                ("Atom feed, warm", "/feed/", warm),
                (
                    "API statements, 50 nested",
                    "/api/v1/statements/?page_size=50",
                    {"target": "≤ 6 queries"},
                ),
                ("API statement detail", f"/api/v1/statements/{statement_id}/", {}),
                ("API change feed", "/api/v1/changes/", {}),
                (
                    "API detail, conditional GET → 304",
                    f"/api/v1/statements/{statement_id}/",
                    {**warm, "headers": {"If-None-Match": etag}},
                ),
                # Last: requests this slow outlive the run (wrk gives up after 10 s, the
                # worker goes on), and would weigh on whatever came after.
                ("search, common term, uncached", f"{common}&n=-1", {"script": uncached(common)}),
            ]

            def measure_floors() -> tuple[Figure, Figure]:
                nginx_figure = Figure(
                    "floor: nginx static file",
                    "/statement.html",
                    *wrk(
                        f"http://127.0.0.1:{nginx_port}/statement.html",
                        arguments.duration,
                        arguments.connections,
                    ),
                )
                django_figure = Figure(
                    "floor: minimal Django view",
                    "/bench-floor/",
                    *wrk(f"{base}/bench-floor/", arguments.duration, arguments.connections),
                )
                return nginx_figure, django_figure

            def django_floor(seconds: int) -> float:
                return wrk(f"{base}/bench-floor/", seconds, arguments.connections)[0]

            # Warm-up: every worker imports and connects before anything is timed.
            wrk(f"{base}/bench-floor/", 3, arguments.connections)
            floors: list[tuple[Figure, Figure]] = [measure_floors()]
            figures: list[Figure] = []
            queries: dict[str, int] = {}
            for index, (name, path, options) in enumerate(surfaces):
                beside_floor = "Django floor" in options.get("target", "")
                extra_headers = options.get("headers")
                script = options.get("script")
                if options.get("flush"):
                    # Counted on pages nobody has asked for yet: the demo-shaped one and the
                    # one with the most signatories, after a flush.
                    subprocess.run(
                        ["redis-cli", "-u", arguments.redis, "FLUSHDB"],
                        check=True,
                        capture_output=True,
                    )
                    _s, counted, _b = fetch(base + widest)
                    queries["statement page, cold, 300 signatories"] = int(
                        counted.get("X-Bench-Queries", "-1")
                    )
                try:
                    _s, counted, _b = fetch(base + path, extra_headers)
                    queries[name] = int(counted.get("X-Bench-Queries", "-1"))
                    fetch(base + path, extra_headers)  # warm, where it is cached at all
                except (OSError, http.client.HTTPException) as error:
                    # Too slow to answer at all (gunicorn's timeout ends the worker): the
                    # surface is still loaded, and its figures say so.
                    print(f"{name}: first request failed ({error!r})", flush=True)
                    queries[name] = -1

                # The surface's load for a number of seconds.
                load = functools.partial(
                    wrk,
                    base + ("/" if script else path),
                    connections=arguments.connections,
                    script=script,
                    headers=extra_headers,
                )
                floor_rate = None
                if beside_floor:
                    result, floor_rate = alternated(load, django_floor, arguments.duration)
                else:
                    result = load(arguments.duration)
                figures.append(
                    Figure(
                        name,
                        path,
                        *result,
                        queries=queries[name],
                        target=options.get("target", ""),
                        floor_rate=floor_rate,
                    )
                )
                rate, p50, p99, _errors, _p95 = result
                beside = f", {rate / floor_rate:.2f} × the floor beside" if floor_rate else ""
                print(
                    f"{name}: {rate:.0f} req/s p50 {p50:.1f} ms p99 {p99:.1f} ms, "
                    f"{queries[name]} queries{beside}",
                    flush=True,
                )
                if index % 4 == 3:
                    floors.append(measure_floors())
            floors.append(measure_floors())
            try:
                _s, counted, _b = fetch(f"{base}/api/v1/statements/?page_size=5")
                queries["API statements, 5 nested"] = int(counted.get("X-Bench-Queries", "-1"))
            except (OSError, http.client.HTTPException):
                queries["API statements, 5 nested"] = -1
            rss = max(stack.worker_rss_mb(peak=True), default=0.0)
        finally:
            if nginx:
                nginx.terminate()
                nginx.wait()

    nginx_rate = statistics.median(f[0].requests_per_second for f in floors)
    django_rate = statistics.median(f[1].requests_per_second for f in floors)
    results = {
        "scale": arguments.scale,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "workers": workers,
        "duration": arguments.duration,
        "connections": arguments.connections,
        "slice_seconds": SLICE_SECONDS,
        "public_statements": public_count,
        "statements": int(psql(database, "SELECT count(*) FROM campaigns_statement")),
        "floors": [[asdict(a), asdict(b)] for a, b in floors],
        "nginx_rate": nginx_rate,
        "django_rate": django_rate,
        "figures": [asdict(f) for f in figures],
        "queries": queries,
        "peak_worker_rss_mb": rss,
    }
    (BENCH / f"results-{arguments.scale}.json").write_text(json.dumps(results, indent=2) + "\n")
    from bench.report import TARGET_QUERIES, verdict, write_report

    write_report()
    print(
        f"floors: nginx {nginx_rate:.0f} req/s, Django {django_rate:.0f} req/s; "
        f"peak worker RSS {rss:.0f} MB"
    )
    missed = [
        figure.name for figure in figures if verdict(asdict(figure), django_rate) == "MISSED"
    ] + [
        f"{name}: {count} queries"
        for name, count in queries.items()
        if name in TARGET_QUERIES and not 0 <= count <= TARGET_QUERIES[name]
    ]
    for name in missed:
        print(f"target missed: {name}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
