"""The load and fault drills: `python -m bench.drill_faults [--soak-minutes 10]`.

Four drills against the production-like stack (bench/stack.py: gunicorn with
config/gunicorn.py, PostgreSQL, Redis), each bounded in time and requests, on loopback:

- soak: 64 connections for --soak-minutes over a mix of public pages and API reads, with
  worker recycling off (GUNICORN_MAX_REQUESTS=0) so that a leak shows. Targets: no
  errors, the last window's p99 within 20 % of the first's, no worker's memory grown by
  more than 10 % from the end of the warm-up to the end of the soak.
- overload: 512 connections for 20 s. Targets: the master and every worker still alive,
  and a 2-second 64-connection run back to the baseline measured before the overload
  (median within 1.5 x, rate at least / 1.5, no errors), ending within 10 s of the
  overload's end.
- PostgreSQL restarted (pg_ctl restart -m fast) during a load of partner sign-ons, each
  for its own statement and organisation. Targets: every sign-on answered 2xx is in the
  database with the id it was answered with; every other answer is a 503; sign-ons
  succeed again after the restart.
- Redis stopped during a load of page reads, API reads and sign-ons, then started again.
  Targets: no 5xx and no connection errors; the cache is written to again afterwards.

PostgreSQL and Redis are this drill's own: a throwaway cluster (initdb into a temporary
directory, started with pg_ctl on a free loopback port, run as the `postgres` user when
the drill runs as root) and a throwaway redis-server without persistence, both removed at
the end, so restarting and stopping them touches nothing else on the machine. The
--database and --redis arguments that bench/drill.py passes to every drill are accepted
and not used. The data is bench/generate.py's (--scale, tiny by default).
"""

import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.drills import Check, record
from bench.stack import (
    ROOT,
    Stack,
    ensure_command,
    fetch,
    free_port,
    manage,
    psql,
    running_stack,
    stack_environment,
)

PYTHON = sys.executable
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")

SOAK_CONNECTIONS = 64
OVERLOAD_CONNECTIONS = 512
OVERLOAD_SECONDS = 20
RECOVERY_SECONDS = 10
RECOVERY_RUN_SECONDS = 2
RECOVERY_FACTOR = 1.5
P99_DRIFT = 0.20
MEMORY_GROWTH = 0.10
WRITERS = 16
DRILLS = ["soak", "postgres", "redis", "overload"]

# The drill's partner organisations, each with a key that may sign, and the published
# statements opened for signatures: every (organisation, statement) pair is one sign-on
# that can be checked in the database by itself.
PARTNERS_PER_DRILL = 40
OPEN_STATEMENTS = 80

STACK_ENVIRONMENT = {
    # Recycling would replace a leaking worker before its growth shows.
    "GUNICORN_MAX_REQUESTS": "0",
    # The drills send hundreds of sign-ons a second per key: the limits are not under test.
    "API_PARTNER_RATE": "100000000/minute",
}

ROTATE_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local counter = math.random(#paths)
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter - 1) %% #paths + 1])
end
"""


# --- the throwaway servers ---------------------------------------------------------------


def as_postgres_user() -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its programs as `postgres`."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class ThrowawayPostgres:
    """A PostgreSQL 15 cluster of its own in a temporary directory, on a free loopback port."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="chorus-drill-postgres-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.pg_ctl("initdb", "-o", "--auth=trust --username=postgres --encoding=UTF8 --no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.directory}'\n"
            )

    def pg_ctl(self, *arguments: str) -> None:
        subprocess.run(
            [*as_postgres_user(), str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), *arguments],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        self.pg_ctl("start", "-w", "-l", str(self.log))

    def restart(self) -> None:
        """Every connection is dropped; the server is back when this returns."""
        self.pg_ctl("restart", "-m", "fast", "-w", "-l", str(self.log))

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "immediate", "-w")
        shutil.rmtree(self.directory, ignore_errors=True)


class ThrowawayRedis:
    """A redis-server of its own on a free loopback port, keeping nothing on disk."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="chorus-drill-redis-"))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, number: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{number}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=(self.directory / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ping = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
            )
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise SystemExit(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def keys(self, number: int) -> int:
        answer = subprocess.run(
            ["redis-cli", "-u", self.url(number), "DBSIZE"], capture_output=True, text=True
        )
        return int(answer.stdout.strip() or 0)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def throwaway_services() -> Iterator[tuple[ThrowawayPostgres, ThrowawayRedis]]:
    postgres = ThrowawayPostgres()
    redis = ThrowawayRedis()
    try:
        postgres.start()
        redis.start()
        yield postgres, redis
    finally:
        redis.remove()
        postgres.remove()


# --- the data -----------------------------------------------------------------------------

FIXTURES = """
import json, django
django.setup()
from campaigns.models import Statement
from organisations.models import Organisation, PartnerKey

statements = list(Statement.objects.published().order_by("id").values_list("id", flat=True)[:%d])
Statement.objects.filter(id__in=statements).update(signatures_open=True)
partners = []
for number in range(%d):
    organisation = Organisation.objects.create(
        name=f"Drill partner {number}", slug=f"drill-partner-{number}"
    )
    _key, secret = PartnerKey.objects.create_key(
        name="Drill key", organisation=organisation, can_sign=True
    )
    partners.append({"organisation": organisation.id, "secret": secret})
print(json.dumps({"statements": statements, "partners": partners}))
"""


@dataclass
class Fixtures:
    statements: list[int]
    partners: list[dict[str, object]]


def prepare_database(database: str, redis: str, scale: str) -> Fixtures:
    server, name = database.rsplit("/", 1)
    psql(f"{server}/postgres", f'CREATE DATABASE "{name}"')
    environment = stack_environment(database, redis, 0, 1)
    manage(environment, "migrate", "--no-input", "-v0")
    subprocess.run(
        [PYTHON, "-m", "bench.generate", "--scale", scale, "--seed", "1"],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    made = subprocess.run(
        [PYTHON, "-c", FIXTURES % (OPEN_STATEMENTS, 2 * PARTNERS_PER_DRILL)],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(made.stdout.strip().splitlines()[-1])
    return Fixtures(statements=data["statements"], partners=data["partners"])


def read_paths(database: str) -> list[str]:
    """A mix of public pages and API reads, as visitors and partners' mirrors would ask.

    Mostly public pages (statements above all), one request in ten or so to the API:
    its lists, the change feed and a few statements' details.
    """

    def rows(sql: str) -> list[str]:
        return psql(database, sql).split()

    published = "status = 'published' AND publish_at <= now() AND withdrawn_at IS NULL"
    statement_pages = rows(
        "SELECT '/statements/' || extract(year FROM issued_on)::int "
        f"|| '/' || slug || '/' FROM campaigns_statement WHERE {published} ORDER BY id LIMIT 400"
    )
    statement_ids = rows(
        f"SELECT id FROM campaigns_statement WHERE {published} ORDER BY id LIMIT 20"
    )
    public = int(psql(database, f"SELECT count(*) FROM campaigns_statement WHERE {published}"))
    list_pages = min(10, (public + 19) // 20)
    campaigns = rows("SELECT '/campaigns/' || slug || '/' FROM campaigns_campaign LIMIT 20")
    coalitions = rows("SELECT '/coalitions/' || slug || '/' FROM campaigns_coalition LIMIT 10")
    laws = rows(
        "SELECT '/laws/' || lower(country) || '/' || slug || '/' FROM legislation_law LIMIT 50"
    )
    organisations = rows(
        "SELECT DISTINCT '/organisations/' || o.slug || '/' FROM organisations_organisation o "
        "JOIN campaigns_statement s ON s.lead_organisation_id = o.id LIMIT 50"
    )
    paths = [
        *statement_pages,
        *campaigns,
        *coalitions,
        *laws,
        *organisations,
        *(f"/statements/?page={page}" for page in range(1, list_pages + 1)),
        *("/", "/laws/", "/feed/", "/search/?q=freedom", "/search/?q=quinquereme"),
        *("/ru/", "/fr/statements/", "/sitemap.xml"),
        *(f"/api/v1/statements/{id}/" for id in statement_ids),
        *("/api/v1/statements/", "/api/v1/laws/"),
        *("/api/v1/organisations/", "/api/v1/campaigns/", "/api/v1/changes/"),
        *("/api/v1/coalitions/", "/api/v1/rights/", "/api/v1/demands/"),
    ]
    random.Random(1).shuffle(paths)  # noqa: S311 -- a repeatable order, not a secret
    return paths


# --- wrk ----------------------------------------------------------------------------------


@dataclass
class WrkRun:
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    not_2xx_3xx: int
    socket_errors: int
    output: str = field(repr=False, default="")

    @property
    def errors(self) -> int:
        return self.not_2xx_3xx + self.socket_errors


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def raise_file_limit() -> None:
    """512 connections need more descriptors than some shells allow by default."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def wrk(base: str, script: Path, seconds: float, connections: int) -> WrkRun:
    threads = 4 if connections > 64 else 2
    command = [
        *("wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"),
        *("--latency", "--timeout", "10s", "-s", str(script), base + "/"),
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, preexec_fn=raise_file_limit
    ).stdout

    def number(pattern: str) -> int:
        found = re.search(pattern, output)
        return int(found.group(1)) if found else 0

    socket_errors = 0
    found = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if found:
        socket_errors = sum(int(count) for count in found.groups())
    return WrkRun(
        requests=number(r"(\d+) requests in"),
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
        p99_ms=milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
        not_2xx_3xx=number(r"Non-2xx or 3xx responses: (\d+)"),
        socket_errors=socket_errors,
        output=output,
    )


def describe(run: WrkRun) -> str:
    return (
        f"{run.requests} requests, {run.requests_per_second:.0f}/s, p50 {run.p50_ms:.1f} ms, "
        f"p99 {run.p99_ms:.1f} ms, {run.not_2xx_3xx} non-2xx/3xx, "
        f"{run.socket_errors} socket errors"
    )


# --- a load generator that knows every answer -----------------------------------------------


@dataclass
class Job:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # For a sign-on: (organisation id, statement id).
    pair: tuple[int, int] | None = None


@dataclass
class Answer:
    job: Job
    status: int | None  # None: no HTTP answer at all
    error: str
    started: float
    finished: float
    body: bytes


def send(port: int, job: Job) -> Answer:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(job.method, job.path, body=job.body or None, headers=job.headers)
        response = connection.getresponse()
        body = response.read()
        return Answer(job, response.status, "", started, time.monotonic(), body)
    except (OSError, http.client.HTTPException) as error:
        return Answer(job, None, type(error).__name__, started, time.monotonic(), b"")
    finally:
        connection.close()


class Load:
    """`threads` clients sending jobs one after another until stopped or out of jobs."""

    def __init__(self, port: int, jobs: Iterator[Job], threads: int = WRITERS) -> None:
        self.port = port
        self.jobs = jobs
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.client) for _ in range(threads)]

    def client(self) -> None:
        while not self.stopping.is_set():
            with self.lock:
                job = next(self.jobs, None)
            if job is None:
                return
            answer = send(self.port, job)
            with self.lock:
                self.answers.append(answer)

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def sign_ons(fixtures: Fixtures, partners: list[dict[str, object]]) -> Iterator[Job]:
    """One sign-on per (organisation, statement), statements outermost: keys take turns."""
    for statement in fixtures.statements:
        for partner in partners:
            organisation = int(partner["organisation"])  # type: ignore[call-overload]
            yield Job(
                "POST",
                "/api/v1/sign-on-requests/",
                {
                    "Authorization": f"Api-Key {partner['secret']}",
                    "Content-Type": "application/json",
                },
                json.dumps(
                    {"statement": statement, "signatory_name": f"Drill {organisation}/{statement}"}
                ).encode(),
                pair=(organisation, statement),
            )


def mixed(reads: list[str], writes: Iterator[Job]) -> Iterator[Job]:
    """Three reads to one sign-on, the reads going round the list."""
    for number in range(10**9):
        if number % 4 == 3:
            write = next(writes, None)
            if write is None:
                return
            yield write
        else:
            yield Job("GET", reads[number % len(reads)])


def stored_sign_ons(database: str, organisations: list[int]) -> dict[tuple[int, int], int]:
    listed = ",".join(str(number) for number in organisations)
    rows = psql(
        database,
        "SELECT organisation_id, statement_id, id FROM campaigns_signature "
        f"WHERE organisation_id IN ({listed})",
    )
    stored = {}
    for line in rows.splitlines():
        organisation, statement, signature = (int(value) for value in line.split("|"))
        stored[(organisation, statement)] = signature
    return stored


def statuses(answers: list[Answer]) -> str:
    counted = Counter("no answer" if a.status is None else str(a.status) for a in answers)
    return ", ".join(f"{status}: {count}" for status, count in sorted(counted.items()))


# --- the drills -----------------------------------------------------------------------------


def warm(stack: Stack, paths: list[str]) -> list[str]:
    """Ask for every path once; keep those that answer 200 (anything else is a drill bug)."""
    kept = []
    took = {}
    for path in paths:
        started = time.monotonic()
        status, _headers, _body = fetch(stack.base + path)
        took[path] = time.monotonic() - started
        if status == 200:
            kept.append(path)
        else:
            print(f"  left out of the mix: {path} answered {status}")
    slowest = sorted(took, key=took.__getitem__, reverse=True)[:5]
    print(
        f"  {len(paths)} paths asked for once in {sum(took.values()):.1f} s; slowest: "
        + ", ".join(f"{path} {took[path] * 1000:.0f} ms" for path in slowest)
    )
    return kept


def settle(stack: Stack, say: Callable[[str], None], seconds: float = 120) -> None:
    """Wait until whatever an earlier drill left queued is served: three quick answers."""
    started = time.monotonic()
    quick = 0
    while quick < 3 and time.monotonic() - started < seconds:
        answer = send(stack.port, Job("GET", "/bench-floor/"))
        quick = quick + 1 if answer.status == 200 and answer.finished - answer.started < 0.5 else 0
    say(f"settled in {time.monotonic() - started:.1f} s")


def soak(
    stack: Stack,
    script: Path,
    minutes: float,
    paths: int,
    notes: list[str],
    say: Callable[[str], None],
) -> list[Check]:
    window = 60 if minutes >= 2 else 30
    windows = max(2, round(minutes * 60 / window))
    warm_up = min(60, window)
    say(f"soak: warm-up {warm_up} s at {SOAK_CONNECTIONS} connections")
    warming = wrk(stack.base, script, warm_up, SOAK_CONNECTIONS)
    say(f"  warm-up: {describe(warming)}")
    workers = stack.worker_pids()
    before = dict(zip(workers, worker_rss(workers), strict=True))
    say(f"  worker memory after warm-up (MB): {fmt_memory(before)}")
    runs = []
    loads = []
    for number in range(windows):
        run = wrk(stack.base, script, window, SOAK_CONNECTIONS)
        runs.append(run)
        loads.append(os.getloadavg()[0])
        say(
            f"  window {number + 1}/{windows} ({window} s): {describe(run)}; "
            f"machine load {loads[-1]:.1f}"
        )
    after = dict(zip(workers, worker_rss(workers), strict=True))
    say(f"  worker memory at the end (MB): {fmt_memory(after)}")
    replaced = set(stack.worker_pids()) != set(workers)
    errors = sum(run.errors for run in runs)
    requests = sum(run.requests for run in runs)
    first, last = runs[0].p99_ms, runs[-1].p99_ms
    drift = (last - first) / first
    growth = {pid: after[pid] / before[pid] - 1 for pid in workers if after.get(pid)}
    worst = max(growth.values()) if growth else float("inf")
    notes.append(
        f"Soak: {windows} windows of {window} s at {SOAK_CONNECTIONS} connections after a "
        f"{warm_up} s warm-up, {requests} requests over {paths} paths "
        "(public pages and API reads), worker recycling off (GUNICORN_MAX_REQUESTS=0); "
        "p99 per window: " + ", ".join(f"{run.p99_ms:.0f}" for run in runs) + " ms; "
        "the machine's load average at the end of each (other work shares the machine, "
        f"{os.cpu_count()} cores): " + ", ".join(f"{load:.1f}" for load in loads) + "."
    )
    return [
        Check(
            f"soak: errors in {requests} requests at {SOAK_CONNECTIONS} connections",
            str(errors),
            "0",
            errors == 0,
        ),
        Check(
            "soak: p99 drift, last window against the first",
            f"{drift * 100:+.1f} % ({first:.1f} → {last:.1f} ms)",
            f"≤ +{P99_DRIFT * 100:.0f} %",
            drift <= P99_DRIFT,
        ),
        Check(
            "soak: worker memory growth after warm-up (worst worker)",
            f"{worst * 100:+.1f} %",
            f"≤ +{MEMORY_GROWTH * 100:.0f} %",
            worst <= MEMORY_GROWTH and not replaced,
        ),
        Check(
            "soak: workers replaced during the soak",
            str(len(set(workers) - set(stack.worker_pids()))),
            "0",
            not replaced,
        ),
    ]


def worker_rss(pids: list[int]) -> list[float]:
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            sizes.append(0.0)
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        sizes.append(int(found.group(1)) / 1024 if found else 0.0)
    return sizes


def fmt_memory(sizes: dict[int, float]) -> str:
    return ", ".join(f"{size:.1f}" for size in sizes.values())


def overload(
    stack: Stack, script: Path, notes: list[str], say: Callable[[str], None]
) -> list[Check]:
    workers = stack.worker_pids()
    baseline = wrk(stack.base, script, 10, SOAK_CONNECTIONS)
    say(f"overload: baseline at {SOAK_CONNECTIONS} connections: {describe(baseline)}")
    flood = wrk(stack.base, script, OVERLOAD_SECONDS, OVERLOAD_CONNECTIONS)
    ended = time.monotonic()
    say(f"  {OVERLOAD_CONNECTIONS} connections for {OVERLOAD_SECONDS} s: {describe(flood)}")
    master_alive = stack.server.poll() is None
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    now_workers = stack.worker_pids()
    limit = RECOVERY_FACTOR * baseline.p50_ms
    floor = baseline.requests_per_second / RECOVERY_FACTOR
    recovered_after: float | None = None
    while time.monotonic() - ended < 3 * RECOVERY_SECONDS:
        run = wrk(stack.base, script, RECOVERY_RUN_SECONDS, SOAK_CONNECTIONS)
        since = time.monotonic() - ended
        say(f"  {since:4.1f} s after: {describe(run)}")
        if run.p50_ms <= limit and run.requests_per_second >= floor and run.errors == 0:
            recovered_after = since
            break
    notes.append(
        f"Overload: {OVERLOAD_CONNECTIONS} connections for {OVERLOAD_SECONDS} s "
        f"({describe(flood)}). Back to baseline means a {RECOVERY_RUN_SECONDS} s run at "
        f"{SOAK_CONNECTIONS} connections with no errors, a median within "
        f"{RECOVERY_FACTOR} x the median before the overload ({baseline.p50_ms:.1f} ms) "
        f"and a rate at least the rate before it / {RECOVERY_FACTOR} "
        f"({baseline.requests_per_second:.0f}/s), "
        f"ending within {RECOVERY_SECONDS} s of the overload's end; runs follow one another "
        "from the moment the overload ends."
    )
    return [
        Check(
            f"overload: master and workers alive after {OVERLOAD_CONNECTIONS} connections",
            f"master {'alive' if master_alive else 'DEAD'}, {len(alive)}/{len(workers)} "
            f"workers alive, {len(now_workers)} serving",
            "master alive, every worker alive",
            master_alive and len(alive) == len(workers),
        ),
        Check(
            "overload: back to baseline median after the overload",
            "not within 30 s" if recovered_after is None else f"{recovered_after:.1f} s",
            f"≤ {RECOVERY_SECONDS} s (p50 ≤ {limit:.1f} ms, ≥ {floor:.0f}/s, no errors)",
            recovered_after is not None and recovered_after <= RECOVERY_SECONDS,
        ),
    ]


def postgres_restart(
    stack: Stack,
    postgres: ThrowawayPostgres,
    database: str,
    fixtures: Fixtures,
    notes: list[str],
    say: Callable[[str], None],
) -> list[Check]:
    partners = fixtures.partners[:PARTNERS_PER_DRILL]
    with Load(stack.port, sign_ons(fixtures, partners)) as load:
        time.sleep(3)
        restart_began = time.monotonic()
        postgres.restart()
        restart_ended = time.monotonic()
        time.sleep(5)
    answers = load.answers
    say(
        f"postgres restart: {len(answers)} sign-ons ({statuses(answers)}); the restart took "
        f"{restart_ended - restart_began:.1f} s"
    )
    stored = stored_sign_ons(database, [int(p["organisation"]) for p in partners])  # type: ignore[call-overload]
    accepted = [a for a in answers if a.status is not None and 200 <= a.status < 300]
    missing = 0
    for answer in accepted:
        answered_id = json.loads(answer.body).get("id")
        if answer.job.pair is None or stored.get(answer.job.pair) != answered_id:
            missing += 1
    others = [a for a in answers if a not in accepted and a.status != 503]
    unavailable = [a for a in answers if a.status == 503]
    stored_anyway = sum(1 for a in unavailable if a.job.pair in stored)
    after = [a for a in accepted if a.started > restart_ended]
    if others:
        say("  unexpected answers: " + statuses(others))
        for answer in others[:3]:
            say(f"    {answer.status} {answer.error} {answer.body[:300]!r}")
    notes.append(
        f"PostgreSQL restart (pg_ctl restart -m fast, {restart_ended - restart_began:.1f} s) "
        f"3 s into {WRITERS} clients signing on, each sign-on for its own organisation and "
        f"statement: {statuses(answers)}; {stored_anyway} of the 503s had been stored all "
        "the same (a 503 promises nothing either way)."
    )
    return [
        Check(
            "postgres restart: sign-ons answered 2xx not in the database",
            f"{missing} of {len(accepted)}",
            "0",
            missing == 0 and bool(accepted),
        ),
        Check(
            "postgres restart: answers other than 2xx and 503",
            f"{len(others)} ({len(unavailable)} × 503)",
            "0",
            not others,
        ),
        Check(
            "postgres restart: sign-ons accepted after the restart",
            str(len(after)),
            "≥ 1",
            bool(after),
        ),
    ]


def redis_outage(
    stack: Stack,
    redis: ThrowawayRedis,
    cache: str,
    fixtures: Fixtures,
    reads: list[str],
    notes: list[str],
    say: Callable[[str], None],
) -> list[Check]:
    partners = fixtures.partners[PARTNERS_PER_DRILL:]
    with Load(stack.port, mixed(reads, sign_ons(fixtures, partners))) as load:
        time.sleep(3)
        stopped = time.monotonic()
        redis.stop()
        time.sleep(8)
        redis.start()
        started = time.monotonic()
        time.sleep(5)
    answers = load.answers
    during = [a for a in answers if stopped <= a.started < started]
    say(
        f"redis outage: {len(answers)} requests ({statuses(answers)}), {len(during)} of them "
        f"while Redis was down ({statuses(during)})"
    )
    failed = [a for a in answers if a.status is None or a.status >= 500]
    for answer in failed[:3]:
        say(f"    {answer.job.path} {answer.status} {answer.error} {answer.body[:300]!r}")
    # The cache is written again once Redis is back: a page nobody asked for since.
    fetch(stack.base + "/statements/?page=2&drill=after-redis")
    keys = redis.keys(int(cache.rsplit("/", 1)[1]))
    status, _headers, _body = fetch(stack.base + "/readyz")
    notes.append(
        f"Redis stopped for 8 s, 3 s into {WRITERS} clients reading pages and the API and "
        f"signing on (three reads to one sign-on): {statuses(answers)}; "
        f"{len(during)} requests while it was down."
    )
    return [
        Check(
            "redis outage: 5xx answers and connection errors",
            f"{len(failed)} of {len(answers)} ({len(during)} while down)",
            "0",
            not failed and bool(during),
        ),
        Check(
            "redis outage: cache in use again and ready after Redis is back",
            f"{keys} keys in Redis, /readyz {status}",
            "> 0 keys, /readyz 200",
            keys > 0 and status == 200,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="accepted for bench/drill.py; not used")
    parser.add_argument("--redis", help="accepted for bench/drill.py; not used")
    parser.add_argument("--soak-minutes", type=float, default=10)
    parser.add_argument("--scale", default="tiny", help="bench/generate.py's scale")
    parser.add_argument(
        "--only", choices=DRILLS, action="append", help="run only these (all by default)"
    )
    arguments = parser.parse_args(argv)
    ensure_command("wrk", "wrk")

    def say(line: str) -> None:
        print(line, flush=True)

    checks: list[Check] = []
    notes = [
        "Against a throwaway PostgreSQL 15 cluster and redis-server of the drill's own, "
        f"bench/generate.py's {arguments.scale} data, gunicorn with "
        f"{2 * (os.cpu_count() or 1) + 1} workers on {os.cpu_count()} cores."
    ]
    with throwaway_services() as (postgres, redis):
        database = postgres.url("chorus_faults")
        cache = redis.url(1)
        say(f"preparing {database} ({arguments.scale} data)")
        fixtures = prepare_database(database, cache, arguments.scale)
        with running_stack(database, cache, environment=STACK_ENVIRONMENT) as stack:
            paths = warm(stack, read_paths(database))
            mix = stack.work / "mix.txt"
            mix.write_text("\n".join(paths) + "\n")
            script = stack.work / "mix.lua"
            script.write_text(ROTATE_LUA % mix)
            chosen = arguments.only or DRILLS
            if "soak" in chosen:
                checks += soak(stack, script, arguments.soak_minutes, len(paths), notes, say)
            if "postgres" in chosen:
                settle(stack, say)
                checks += postgres_restart(stack, postgres, database, fixtures, notes, say)
            if "redis" in chosen:
                settle(stack, say)
                checks += redis_outage(stack, redis, cache, fixtures, paths, notes, say)
            # Last: what it leaves queued must not spill into another drill's figures.
            if "overload" in chosen:
                settle(stack, say)
                checks += overload(stack, script, notes, say)
    return record("faults", checks, notes)


if __name__ == "__main__":
    sys.exit(main())
