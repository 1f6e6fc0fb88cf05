"""Benchmark the public site and the partner API against three floors, in one run.

    python -m bench.run --database postgres://postgres@127.0.0.1:5432/chorus_bench

Starts the production stack on loopback (gunicorn with config/gunicorn.py, 2 x cores + 1
workers, PostgreSQL, Redis, the request log at INFO as deployed) serving bench/wsgi.py,
Varnish with config/varnish.vcl in front of it, and three floors:

- *nginx*: the warm statement pages' exact bytes, as files at the same addresses, each
  beside the gzipped bytes Varnish keeps of it, sent to wrk, which asks for gzip;
- *bare Django*: a view that returns five bytes, in a second gunicorn like the stack's
  with no middleware at all (bench/bare.py);
- *full-stack Django*: the same view behind every middleware of the site.

Each surface is loaded with wrk for a fixed time and connection count, a warm one over
many addresses in turn (every statement page of a set, every law, ...), never one address
repeated. A surface whose target is a share of a floor is measured in short slices that
alternate with slices of all three floors, and set against each floor's slices beside it;
the others against the median of the floors' runs between the surfaces. The figures go to
bench/results-<scale>.json, and bench/RESULTS.md is written from every results file
present.

    python -m bench.run --only "law page, warm" --only "statement page, warm cache"

runs the named surfaces alone, with the floors around them as in a full run, and only
prints their figures: neither the results file nor RESULTS.md is written.
"""

import argparse
import functools
import gzip
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
    bare_django,
    ensure_command,
    fetch,
    free_port,
    psql,
    running_stack,
    running_varnish,
    varnish_environment,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable

# wrk's threads, each with a Lua state of its own.
WRK_THREADS = 2
# Each wrk script requests its paths in turn, each thread every other one, from its own
# first: the cold statement page never asks twice for the same statement while the list
# lasts. A fresh script also makes every request new to the page cache, which keys a page
# by host and address and ignores the parameters a view does not read: its Host header
# names a port of its own (the run of wrk, the thread and the count), never asked for
# before by this run, another thread or an earlier run; Django allows any port of an
# allowed host. A line of the list may carry an ETag after a tab: it is sent as
# If-None-Match. Headers given to wrk (-H) go with every request, as without a script.
ROTATE_LUA = """
local paths = {}
local etags = {}
for line in io.lines("%(listing)s") do
  local path, etag = line:match("^([^\t]*)\t?(.*)$")
  paths[#paths + 1] = path
  etags[#etags + 1] = etag
end
local run = os.getenv("BENCH_RUN") or "0"
local threads = 0
function setup(thread)
  thread:set("thread", threads)
  threads = threads + 1
end
local counter = 0
request = function()
  local index = (thread + counter * %(threads)d) %% #paths + 1
  local path = paths[index]
  counter = counter + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  if %(fresh)s then
    headers["Host"] = string.format("127.0.0.1:%%s%%d%%09d", run, thread, counter)
  end
  if etags[index] ~= "" then
    headers["If-None-Match"] = etags[index]
  end
  return wrk.format("GET", path, headers)
end
"""

# The three floors, in the order each set of their slices runs.
FLOORS = {
    "nginx": "nginx, the warm statement pages as gzipped files",
    "bare": "bare Django view, no middleware",
    "full": "full-stack Django view, every middleware",
}
# What the nginx floor and the Varnish row send, as every browser does.
ACCEPT_GZIP = {"Accept-Encoding": "gzip"}
# How many different addresses a warm surface goes through, at most, and how long it is
# loaded, untimed, before it is measured.
WARM_PAGES = 200
WARM_UP_SECONDS = 6

# A surface set against a floor runs in slices this long, each between two sets of slices
# of the floors: the machine's speed moves within seconds, by more than a target's margin.
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
    # For a surface whose target is against a floor: the full-stack Django floor's rate
    # measured in the slices around the surface's own (see `alternated`), so the machine's
    # drift cancels, and each floor's in `floors_beside` ("nginx", "bare", "full").
    floor_rate: float | None = None
    floors_beside: dict[str, float] | None = None
    # CPU time of the serving processes (gunicorn's workers, nginx's, varnishd) per
    # request, in ms, and each floor's in the slices beside.
    cpu_ms: float | None = None
    floors_cpu_beside: dict[str, float] | None = None
    # How many different addresses the surface went through.
    pages: int = 1


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


# A load's figures: req/s, p50, p99, errors, p95, and the serving processes' CPU ms per
# request (0 where not measured).
Load = tuple[float, float, float, int, float, float]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU time of each process so far, all its threads (/proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings; a process started between them counts from
    nothing, one gone between them is lost (a worker recycled: rare within seconds)."""
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def wrk(
    url: str,
    duration: int,
    connections: int,
    script: Path | None = None,
    headers: dict[str, str] | None = None,
    serving: Callable[[], list[int]] | None = None,
) -> Load:
    """wrk's figures for `url`; with `serving`, the processes answering (read before and
    after), the CPU time they spent per request."""
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
    before = cpu_seconds(serving()) if serving else {}
    output = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BENCH_RUN": str(secrets.randbelow(900_000) + 100_000)},
    ).stdout
    spent = cpu_used(before, cpu_seconds(serving())) if serving else 0.0
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*?timeout (\d+)"):
        found = re.search(pattern, output)
        errors += int(found.group(1)) if found else 0
    Path(lua.name).unlink()
    p95 = int(re.search(r"p95_us (\d+)", output).group(1)) / 1000  # type: ignore[union-attr]
    return rate, p50, p99, errors, p95, spent * 1000 / requests if requests else 0.0


def alternated(
    surface: Callable[[int], Load],
    floors: dict[str, Callable[[int], Load]],
    duration: int,
) -> tuple[Load, dict[str, float], dict[str, float]]:
    """`surface` measured in slices of SLICE_SECONDS filling `duration` (three at least),
    with a slice of each of `floors` before and after each: floors, surface, floors,
    surface, floors.

    Returns the surface's figures over its slices (the mean rate, the median p50, the
    highest p95 and p99, every error, the mean CPU per request) and each floor beside it,
    its rate and its CPU per request: the mean, over the surface's slices, of that
    floor's two slices around each. Set against each other, two figures measured within
    seconds of each other keep their ratio when the machine slows down or speeds up
    between slices.
    """
    count = max(3, math.ceil(duration / SLICE_SECONDS))

    def floor_slices() -> dict[str, Load]:
        return {name: measure(SLICE_SECONDS) for name, measure in floors.items()}

    gaps = [floor_slices()]
    slices = []
    for _ in range(count):
        slices.append(surface(SLICE_SECONDS))
        gaps.append(floor_slices())

    def beside(field: int) -> dict[str, float]:
        return {
            name: statistics.fmean(
                (gaps[i][name][field] + gaps[i + 1][name][field]) / 2 for i in range(count)
            )
            for name in floors
        }

    rate = statistics.fmean(part[0] for part in slices)
    p50 = statistics.median(part[1] for part in slices)
    p99 = max(part[2] for part in slices)
    errors = sum(part[3] for part in slices)
    p95 = max(part[4] for part in slices)
    cpu = statistics.fmean(part[5] for part in slices)
    return (rate, p50, p99, errors, p95, cpu), beside(0), beside(5)


def rotation(work: Path, name: str, paths: list[str], fresh: bool = False) -> Path:
    """A wrk script asking for `paths` in turn: none of them twice while the list lasts,
    and, when `fresh`, each time new to the page cache (a Host of its own). A path may be
    followed by a tab and an ETag, sent as If-None-Match."""
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
        "varnish": version(["varnishd", "-V"]),
        "gunicorn": version([str(Path(PYTHON).parent / "gunicorn"), "--version"]),
        "clock ticks a second": str(os.sysconf("SC_CLK_TCK")),
    }


def public_statement_paths(database: str, limit: int) -> list[str]:
    sql = (
        "SELECT '/statements/' || extract(year FROM issued_on)::int || '/' "
        "|| slug || '/' FROM campaigns_statement WHERE status = 'published' "
        f"AND publish_at <= now() AND withdrawn_at IS NULL ORDER BY id LIMIT {int(limit)}"
    )
    return psql(database, sql).split()


def gzipped(url: str) -> bytes:
    """The bytes sent for `url` to a client that accepts gzip, as every browser does; they
    must be gzipped."""
    status, headers, body = fetch(url, {"Accept-Encoding": "gzip"})
    if status != 200 or headers.get("Content-Encoding") != "gzip":
        raise SystemExit(f"{url} answered {status} to gzip with {headers.get('Content-Encoding')}")
    return body


def fresh_queries(url: str) -> int:
    """The queries a page built afresh takes: a request new to the page cache (a Host of
    its own)."""
    host = f"127.0.0.1:{secrets.randbelow(10**9) + 10**9}"
    _status, headers, _body = fetch(url, {"Host": host})
    return int(headers.get("X-Bench-Queries", "-1"))


def rows(database: str, sql: str) -> list[str]:
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
    parser.add_argument(
        "--only",
        action="append",
        metavar="SURFACE",
        help="run only this surface (its name as in the table; may be given again); "
        "the figures are printed, not written",
    )
    arguments = parser.parse_args(argv)
    ensure_command("wrk", "wrk")
    ensure_command("nginx", "nginx-light")

    database = arguments.database
    nginx_port, varnish_port = free_port(), free_port()
    with (
        running_stack(
            database, arguments.redis, environment=varnish_environment(varnish_port)
        ) as stack,
        bare_django(stack) as bare,
        running_varnish(stack, varnish_port) as varnish,
    ):
        workers = len(stack.worker_pids())
        base = stack.base
        work = stack.work
        nginx: subprocess.Popen[bytes] | None = None
        try:
            statements = public_statement_paths(database, 100_000)
            widest = statements[0]
            demo_shaped = statements[1]
            # The warm statement pages: the last of the list, which the cold surfaces,
            # going from its start, do not reach within a run.
            warm_statements = statements[-WARM_PAGES:]

            # The nginx floor: the warm statement pages' exact bytes as Varnish keeps them
            # (gzipped, its host in their links), as files at the same addresses
            # (directory/index.html.gz), asked for in the same turn. nginx sends them as
            # they are to a client that accepts gzip (gzip_static), as Varnish does: the
            # same bytes. Beside each, the page unpacked (index.html), for any other.
            www = work / "www"
            packed_pages = {}
            for path in warm_statements:
                packed = packed_pages[path] = gzipped(varnish.base + path)
                (www / path.strip("/")).mkdir(parents=True, exist_ok=True)
                (www / path.strip("/") / "index.html").write_bytes(gzip.decompress(packed))
                (www / path.strip("/") / "index.html.gz").write_bytes(packed)
            (work / "nginx.conf").write_text(
                f"worker_processes auto; pid {work}/nginx.pid; error_log {work}/nginx-error.log;\n"
                "events { worker_connections 1024; }\n"
                f"http {{ access_log off; client_body_temp_path {work}; proxy_temp_path {work};\n"
                f"  fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};\n"
                "  gzip_static on; gzip_vary on;\n"
                f"  server {{ listen 127.0.0.1:{nginx_port}; root {www};\n"
                "    location / { default_type text/html; } } }\n"
            )
            nginx = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-g", "daemon off;"])
            nginx_base = f"http://127.0.0.1:{nginx_port}"
            wait_for(nginx_base + warm_statements[0])
            for path in warm_statements[:3]:
                if gzipped(nginx_base + path) != packed_pages[path]:
                    raise SystemExit(f"nginx sends other gzipped bytes than Varnish for {path}")
            warm_statement_script = rotation(work, "warm-statements", warm_statements)

            cold_script = rotation(work, "cold", statements[2:])

            def uncached(paths: list[str]) -> Path:
                """`paths` asked for afresh each time: a Host of its own makes each request
                new to the page cache, so the page is built every time."""
                name = re.sub(r"\W+", "-", paths[0]).strip("-") or "root"
                return rotation(work, f"uncached-{name}", paths, fresh=True)

            campaigns = rows(
                database,
                f"SELECT '/campaigns/' || slug || '/' FROM campaigns_campaign ORDER BY id "
                f"LIMIT {WARM_PAGES}",
            )
            laws = rows(
                database,
                "SELECT '/laws/' || lower(country) || '/' || slug || '/' "
                f"FROM legislation_law ORDER BY id LIMIT {WARM_PAGES}",
            )
            trackers = ["/laws/", "/ru/laws/", "/fr/laws/"]
            public_count = len(statements)
            # The last page the list offers (it lists no further than its depth).
            _status, _headers, first_page = fetch(f"{base}/statements/")
            pages = re.search(rb"Page 1 of ([\d,]+)", first_page)
            last_page = int(pages.group(1).decode().replace(",", "")) if pages else 1
            deep = f"/statements/?page={last_page}"
            first_pages = [
                f"{language}/statements/?page={number}"
                for number in range(1, min(last_page, 20) + 1)
                for language in ("", "/ru", "/fr")
            ]
            deep_pages = [
                f"/statements/?page={number}"
                for number in range(max(1, last_page - 49), last_page + 1)
            ]
            # Words of the statements' titles, the rare and the common, and a word no
            # statement has.
            terms = rows(
                database,
                "SELECT DISTINCT lower(split_part(title_en, ' ', 2)) FROM campaigns_statement "
                "WHERE title_en <> '' ORDER BY 1 LIMIT 40",
            )
            searches = [f"/search/?q={term}" for term in [*terms, "freedom", "quinquereme"]]
            feeds = ["/feed/", "/ru/feed/", "/fr/feed/"] + [
                path + "feed/" for path in campaigns[: WARM_PAGES - 3]
            ]
            statement_id = int(re.search(r"statement-(\d+)", demo_shaped).group(1))  # type: ignore[union-attr]
            detail_ids = rows(
                database,
                "SELECT id FROM campaigns_statement WHERE status = 'published' "
                "AND publish_at <= now() AND withdrawn_at IS NULL "
                f"ORDER BY id DESC LIMIT {WARM_PAGES}",
            )
            conditional = []
            for detail in detail_ids:
                _status, api_headers, _body = fetch(f"{base}/api/v1/statements/{detail}/")
                conditional.append(f"/api/v1/statements/{detail}/\t{api_headers.get('ETag', '')}")
            warm_target = "≥ 0.8 × full-stack Django floor"
            selective, common = "/search/?q=quinquereme", "/search/?q=freedom"

            def warm(paths: list[str], name: str) -> dict[str, Any]:
                return {
                    "target": warm_target,
                    "script": rotation(work, name, paths),
                    "pages": paths,
                }

            surfaces: list[tuple[str, str, dict[str, Any]]] = [
                # The demo-shaped statement (8 signatories, 7 demands), built afresh for
                # every request, with a Host of its own: nothing of it kept, not even the
                # site's frame, the coldest page there is. Its processor time is held to
                # its target (≤ 6 ms) in one process by bench/cold_page.py, which times
                # the page built afresh as any page cache miss builds it, and the coldest
                # beside it.
                (
                    "statement page, cold cache",
                    demo_shaped,
                    {
                        "target": "≤ 8 queries",
                        "script": uncached([demo_shaped]),
                        "flush": True,
                        "fresh": True,
                    },
                ),
                # Every public statement once, 1 to 300 signatories: what a crawler costs.
                (
                    "statement page, cold, each statement in turn",
                    statements[2],
                    {"script": cold_script},
                ),
                (
                    "statement page, warm cache",
                    warm_statements[0],
                    {**warm(warm_statements, "warm-statements"), "script": warm_statement_script},
                ),
                # The scale-out tier: the same pages from what Varnish keeps, against
                # nginx serving the same bytes. Both are asked for gzip, as browsers ask;
                # then the same pages asked for without it, which Varnish unpacks.
                (
                    "statement page, warm, through Varnish",
                    warm_statements[0],
                    {
                        "target": "≥ 0.5 × nginx floor",
                        "script": warm_statement_script,
                        "pages": warm_statements,
                        "base": varnish.base,
                        "headers": ACCEPT_GZIP,
                    },
                ),
                (
                    "statement page, warm, through Varnish, not asked for gzip",
                    warm_statements[0],
                    {
                        "script": warm_statement_script,
                        "pages": warm_statements,
                        "base": varnish.base,
                    },
                ),
                ("campaign page, warm", campaigns[0], warm(campaigns, "campaigns")),
                ("law page, warm", laws[0], warm(laws, "laws")),
                # The tracker leads with its world map and charts, drawn with the page.
                ("law tracker with its map, warm", "/laws/", warm(trackers, "trackers")),
                (
                    "law tracker with its map, uncached",
                    "/laws/",
                    {"script": uncached(trackers), "pages": trackers, "fresh": True},
                ),
                ("statements list, page 1, warm", "/statements/", warm(first_pages, "lists")),
                (
                    "statements list, page 1, uncached",
                    "/statements/",
                    {"script": uncached(["/statements/"]), "fresh": True},
                ),
                ("statements list, deep page, warm", deep, warm(deep_pages, "deep-lists")),
                (
                    "statements list, deep page, uncached",
                    deep,
                    {"script": uncached([deep]), "fresh": True},
                ),
                ("search, warm", searches[0], warm(searches, "searches")),
                (
                    "search, selective term, uncached",
                    selective,
                    {"script": uncached([selective]), "fresh": True},
                ),
                ("Atom feed, warm", "/feed/", warm(feeds, "feeds")),
                (
                    "API statements, 50 nested",
                    "/api/v1/statements/?page_size=50",
                    {"target": "≤ 6 queries"},
                ),
                ("API statement detail", f"/api/v1/statements/{statement_id}/", {}),
                ("API change feed", "/api/v1/changes/", {}),
                (
                    "API detail, conditional GET → 304",
                    conditional[0].split("\t")[0],
                    {
                        "target": warm_target,
                        "script": rotation(work, "conditional", conditional),
                        "pages": conditional,
                        "headers": {"If-None-Match": conditional[0].split("\t")[1]},
                    },
                ),
                # Last: requests this slow outlive the run (wrk gives up after 10 s, the
                # worker goes on), and would weigh on whatever came after.
                (
                    "search, common term, uncached",
                    common,
                    {"script": uncached([common]), "fresh": True},
                ),
            ]

            if arguments.only:
                unknown = set(arguments.only) - {name for name, _path, _options in surfaces}
                if unknown:
                    raise SystemExit(
                        f"No such surface: {', '.join(sorted(unknown))}; the surfaces: "
                        + "; ".join(name for name, _path, _options in surfaces)
                    )
                surfaces = [surface for surface in surfaces if surface[0] in arguments.only]

            def nginx_pids() -> list[int]:
                master = int((work / "nginx.pid").read_text())
                children = Path(f"/proc/{master}/task/{master}/children")
                return [master, *map(int, children.read_text().split())]

            def varnish_pids() -> list[int]:
                return varnish.pids()

            floor_loads: dict[str, Callable[[int], Load]] = {
                "nginx": functools.partial(
                    wrk,
                    nginx_base + "/",
                    connections=arguments.connections,
                    script=warm_statement_script,
                    headers=ACCEPT_GZIP,
                    serving=nginx_pids,
                ),
                "bare": functools.partial(
                    wrk,
                    f"{bare.base}/bench-floor/",
                    connections=arguments.connections,
                    serving=bare.worker_pids,
                ),
                "full": functools.partial(
                    wrk,
                    f"{base}/bench-floor/",
                    connections=arguments.connections,
                    serving=stack.worker_pids,
                ),
            }
            floor_paths = {
                "nginx": "/statements/…/ (files)",
                "bare": "/bench-floor/",
                "full": "/bench-floor/",
            }

            def measure_floors() -> dict[str, Figure]:
                figures = {}
                for name, load in floor_loads.items():
                    rate, p50, p99, errors, p95, cpu = load(arguments.duration)
                    figures[name] = Figure(
                        f"floor: {FLOORS[name]}",
                        floor_paths[name],
                        rate,
                        p50,
                        p99,
                        errors,
                        p95,
                        pages=len(warm_statements) if name == "nginx" else 1,
                        cpu_ms=cpu,
                    )
                return figures

            # Warm-up: every worker of both gunicorns imports and connects, nginx reads
            # its files, before anything is timed.
            for load in floor_loads.values():
                load(3)
            floors: list[dict[str, Figure]] = [measure_floors()]
            figures: list[Figure] = []
            queries: dict[str, int] = {}
            for index, (name, path, options) in enumerate(surfaces):
                beside_floor = "floor" in options.get("target", "")
                extra_headers = options.get("headers")
                script = options.get("script")
                surface_base = options.get("base", base)
                if options.get("flush"):
                    # Counted on pages nobody has asked for yet: the demo-shaped one and the
                    # one with the most signatories, after a flush.
                    subprocess.run(
                        ["redis-cli", "-u", arguments.redis, "FLUSHDB"],
                        check=True,
                        capture_output=True,
                    )
                    queries["statement page, cold, 300 signatories"] = fresh_queries(base + widest)
                try:
                    # Every address of a warm surface asked for once, where it is cached
                    # at all (the app's cache, or Varnish's), before its queries are
                    # counted; a cold one's counted on the first request.
                    if beside_floor:
                        for line in options.get("pages", [path]):
                            page, _tab, etag = line.partition("\t")
                            fetch(surface_base + page, {"If-None-Match": etag} if etag else None)
                    if options.get("fresh"):
                        queries[name] = fresh_queries(surface_base + path)
                    else:
                        _s, counted, _b = fetch(surface_base + path, extra_headers)
                        queries[name] = int(counted.get("X-Bench-Queries", "-1"))
                    if not beside_floor:
                        fetch(surface_base + path, extra_headers)
                except (OSError, http.client.HTTPException) as error:
                    # Too slow to answer at all (gunicorn's timeout ends the worker): the
                    # surface is still loaded, and its figures say so.
                    print(f"{name}: first request failed ({error!r})", flush=True)
                    queries[name] = -1

                # The surface's load for a number of seconds.
                load = functools.partial(
                    wrk,
                    surface_base + ("/" if script else path),
                    connections=arguments.connections,
                    script=script,
                    headers=extra_headers,
                    serving=varnish_pids if surface_base == varnish.base else stack.worker_pids,
                )
                if beside_floor and len(options.get("pages", [])) > 1:
                    # Untimed: each worker holds the pages it served last in its own
                    # memory, and takes each from Redis the first time it is asked for
                    # it. A run this short at a loaded machine's rate would otherwise
                    # measure mostly first times.
                    load(WARM_UP_SECONDS)
                beside: dict[str, float] | None = None
                cpu_beside: dict[str, float] | None = None
                hits_before = varnish.counters("MAIN.cache_hit", "MAIN.cache_miss")
                if beside_floor:
                    result, beside, cpu_beside = alternated(load, floor_loads, arguments.duration)
                else:
                    result = load(arguments.duration)
                rate, p50, p99, errors, p95, cpu = result
                figure = Figure(
                    name,
                    path,
                    rate,
                    p50,
                    p99,
                    errors,
                    p95,
                    cpu_ms=cpu,
                    floors_cpu_beside=cpu_beside,
                    queries=queries[name],
                    target=options.get("target", ""),
                    floor_rate=beside["full"] if beside else None,
                    floors_beside=beside,
                    pages=len(options.get("pages", [path])),
                )
                figures.append(figure)
                said = f", {cpu:.3f} ms CPU a request"
                if beside and cpu_beside:
                    said += ", × the floors beside (req/s, CPU): " + ", ".join(
                        f"{floor} {rate / beside[floor]:.3f} {cpu_beside[floor] / cpu:.3f}"
                        for floor in beside
                    )
                if surface_base == varnish.base:
                    after = varnish.counters("MAIN.cache_hit", "MAIN.cache_miss")
                    hits = after["MAIN.cache_hit"] - hits_before["MAIN.cache_hit"]
                    misses = after["MAIN.cache_miss"] - hits_before["MAIN.cache_miss"]
                    said += f"; Varnish {hits} hits, {misses} misses"
                print(
                    f"{name} ({figure.pages} pages): {rate:.0f} req/s p50 {p50:.1f} ms "
                    f"p99 {p99:.1f} ms, {queries[name]} queries{said}",
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
            logged = sum(1 for _line in stack.log.open())
        finally:
            if nginx:
                nginx.terminate()
                nginx.wait()

    rates = {
        name: statistics.median(run[name].requests_per_second for run in floors) for name in FLOORS
    }
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
        "log_level": stack.environment["LOG_LEVEL"],
        "log_lines": logged,
        "floor_names": FLOORS,
        "floors": [{name: asdict(figure) for name, figure in run.items()} for run in floors],
        "floor_rates": rates,
        "floor_cpu_ms": {
            name: statistics.median(run[name].cpu_ms or 0.0 for run in floors) for name in FLOORS
        },
        "nginx_rate": rates["nginx"],
        "django_rate": rates["full"],
        "figures": [asdict(f) for f in figures],
        "queries": queries,
        "peak_worker_rss_mb": rss,
    }
    from bench.report import TARGET_QUERIES, verdict, write_report

    if not arguments.only:
        (BENCH / f"results-{arguments.scale}.json").write_text(json.dumps(results, indent=2) + "\n")
        write_report()
    print(
        f"floors: nginx {rates['nginx']:.0f} req/s, bare Django {rates['bare']:.0f} req/s, "
        f"full-stack Django {rates['full']:.0f} req/s; peak worker RSS {rss:.0f} MB"
    )
    missed = [
        figure.name
        for figure in figures
        if verdict(asdict(figure), rates, results["floor_cpu_ms"]) == "MISSED"
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
