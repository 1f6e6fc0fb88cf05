"""The production-like stack on loopback, for the benchmarks and the drills.

gunicorn with config/gunicorn.py (2 x cores + 1 sync workers) serving bench/wsgi.py,
against a PostgreSQL database and a Redis database of the caller's choosing, with the
production settings (DEBUG off, the Redis cache, the database task queue, the request
log at INFO) and nothing but loopback. `running_stack()` migrates, collects the static
files, starts gunicorn, waits until it answers and stops it on the way out. Beside it,
`bare_django()` starts the bare Django floor (bench/bare.py) and `running_varnish()`
Varnish with config/varnish.vcl in front of it.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


@dataclass
class Stack:
    base: str
    server: subprocess.Popen[bytes]
    environment: dict[str, str]
    work: Path
    log: Path
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_rss_mb(self, peak: bool = False) -> list[float]:
        """Resident memory of each worker now (VmRSS), or its peak so far (VmHWM)."""
        key = "VmHWM" if peak else "VmRSS"
        sizes = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found = re.search(rf"{key}:\s+(\d+) kB", status)
            if found:
                sizes.append(int(found.group(1)) / 1024)
        return sizes


def request_log_unseen() -> None:
    """For a benchmark in one process, after django.setup(): the request log stays at its
    level (INFO, as deployed), each line formatted and written, to the null device rather
    than a terminal that would slow every request."""
    import logging

    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(Path(os.devnull).open("w"))  # noqa: SIM115 - open for the run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ensure_command(command: str, package: str) -> None:
    """Install a missing Debian package, as the CI script does."""
    if shutil.which(command):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "--no-install-recommends", package], check=True
    )


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"Nothing answered at {url} within {seconds:.0f} s")


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def psql(database: str, sql: str) -> str:
    return subprocess.run(
        ["psql", database, "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def ensure_database(database: str) -> None:
    server, name = database.rsplit("/", 1)
    if psql(f"{server}/postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        psql(f"{server}/postgres", f'CREATE DATABASE "{name}"')


def stack_environment(database: str, redis: str, port: int, workers: int) -> dict[str, str]:
    return {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "TASKS_BACKEND": "database",
        "HTTPS": "false",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "WEB_CONCURRENCY": str(workers),
        "BIND": f"127.0.0.1:{port}",
        # The runs read thousands of pages a second: the request limits are not under test.
        "API_ANONYMOUS_RATE": "100000000/minute",
        # As deployed: a JSON line for every request (gunicorn's output, into `Stack.log`).
        "LOG_LEVEL": "INFO",
    }


def manage(environment: dict[str, str], *arguments: str) -> None:
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=environment, check=True)


@contextmanager
def running_stack(
    database: str = DEFAULT_DATABASE,
    redis: str = DEFAULT_REDIS,
    *,
    workers: int | None = None,
    environment: dict[str, str] | None = None,
    flush_cache: bool = True,
    gunicorn_arguments: tuple[str, ...] = (),
) -> Iterator[Stack]:
    """gunicorn serving the site on a free loopback port until the block ends.

    `environment` adds to (or overrides) the production-like settings, for a drill that
    needs, say, a lower request limit; `gunicorn_arguments` override config/gunicorn.py
    (`--worker-class sync`, say). The Redis database is emptied first unless
    `flush_cache` is false: a run must not start from another run's cached pages.
    """
    port = free_port()
    workers = workers or 2 * (os.cpu_count() or 1) + 1
    env = {**stack_environment(database, redis, port, workers), **(environment or {})}
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    if flush_cache:
        subprocess.run(["redis-cli", "-u", redis, "FLUSHDB"], check=True, capture_output=True)
    work = Path(tempfile.mkdtemp(prefix="chorus-stack-"))
    try:
        with gunicorn(env, "bench.wsgi", work / "gunicorn.log", gunicorn_arguments) as stack:
            yield stack
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def gunicorn(
    environment: dict[str, str], application: str, log: Path, arguments: tuple[str, ...] = ()
) -> Iterator[Stack]:
    """gunicorn with config/gunicorn.py serving `application` at the environment's BIND,
    once it answers /bench-floor/ and has forked every worker."""
    server = subprocess.Popen(
        [
            *(str(Path(PYTHON).parent / "gunicorn"), "--config", "config/gunicorn.py"),
            *(*arguments, application),
        ],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://{environment['BIND']}"
    try:
        wait_for(f"{base}/bench-floor/")
        stack = Stack(base=base, server=server, environment=environment, work=log.parent, log=log)
        # The first worker answers while gunicorn may still be forking the others.
        deadline = time.monotonic() + 30
        expected = int(environment["WEB_CONCURRENCY"])
        while len(stack.worker_pids()) < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        yield stack
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def bare_django(stack: Stack, arguments: tuple[str, ...] = ()) -> Iterator[Stack]:
    """The bare Django floor: a second gunicorn like the stack's (same configuration and
    workers), serving bench/bare.py's one view with no middleware at all."""
    port = free_port()
    environment = {
        **stack.environment,
        "DJANGO_SETTINGS_MODULE": "bench.bare",
        "BIND": f"127.0.0.1:{port}",
    }
    with gunicorn(
        environment,
        "django.core.wsgi:get_wsgi_application()",
        stack.work / "bare-gunicorn.log",
        arguments,
    ) as bare:
        yield bare


def varnish_environment(port: int) -> dict[str, str]:
    """What the stack needs to know of Varnish in front of it on `port`: where to ban."""
    return {"VARNISH_URL": f"http://127.0.0.1:{port}/"}


VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin") or "varnishd"


@dataclass
class Varnish:
    base: str
    work: Path

    def pids(self) -> list[int]:
        """varnishd's manager and its child, which serves."""
        manager = int((self.work / "_.pid").read_text())
        children = Path(f"/proc/{manager}/task/{manager}/children")
        return [manager, *map(int, children.read_text().split())]

    def counters(self, *names: str) -> dict[str, int]:
        """Varnish's own counters (varnishstat), MAIN.cache_hit and the like."""
        output = subprocess.run(
            ["varnishstat", "-n", str(self.work), "-1", *(f"-f{name}" for name in names)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return {line.split()[0]: int(line.split()[1]) for line in output.splitlines() if line}


@contextmanager
def running_varnish(stack: Stack, port: int, memory: str = "256m") -> Iterator[Varnish]:
    """varnishd with the site's config/varnish.vcl in front of the stack's gunicorn, as
    `make serve` runs it, on `port` (loopback).

    The app lets a shared cache keep a page only when it bans that cache's pages on every
    change, so the stack must be started with VARNISH_URL naming this port (see
    `varnish_environment`): without it, every page passes through Varnish to gunicorn."""
    ensure_command("varnishd", "varnish")
    work = stack.work / "varnish"
    work.mkdir(exist_ok=True)
    vcl = work / "default.vcl"
    vcl.write_text(
        (ROOT / "config" / "varnish.vcl")
        .read_text()
        .replace('.host = "web";', '.host = "127.0.0.1";')
        .replace('.port = "8000";', f'.port = "{stack.port}";')
    )
    process = subprocess.Popen(
        [
            *(VARNISHD, "-F", "-j", "none", "-n", str(work), "-a", f"127.0.0.1:{port}"),
            *("-f", str(vcl), "-s", f"malloc,{memory}", "-T", "none"),
        ],
        stdout=(work / "varnishd.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/bench-floor/")
        yield Varnish(f"http://127.0.0.1:{port}", work)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
