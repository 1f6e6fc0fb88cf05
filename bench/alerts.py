"""The e-mail alerts of one statement to many confirmed subscribers, through a local SMTP sink.

    python -m bench.alerts --database postgres://postgres@127.0.0.1:5432/chorus_bench_alerts

Fills the database with `--subscribers` confirmed subscriptions to every statement (a third
each in English, Russian and French), publishes one statement through the editorial
workflow, and runs the task worker (`manage.py db_worker --batch`) as production runs it,
with EMAIL_URL pointing at an SMTP server on loopback (aiosmtpd, in a process of its own,
counting what it accepts). The worker announces the publication, matches the subscribers,
and sends the batches. Measured: the time from the worker's start until it has nothing
left to do, messages per second, and the worker's resident memory, read every half second
(the target: flat, no growth from message to message).

Its own database: the subscribers and deliveries it writes are removed when it starts.
Not part of the test suite: `make bench-alerts`, and `make bench` runs it.
"""

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BASE = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_bench_alerts"
TARGET_SECONDS = 300.0
# Flat: what the worker holds at the end at most this much above the least it held once
# it had loaded Django and begun.
TARGET_GROWTH_MB = 16.0


def serve_sink(port: int, counts: Any, ready: Any) -> None:
    """The SMTP sink's own process: counts messages, keeps none."""
    from bench.smtp_sink import Sink, start

    sink = Sink(keep=False)
    controller = start(sink, port)
    ready.set()
    try:
        while True:
            counts.value = sink.count
            time.sleep(0.2)
    finally:
        controller.stop()


def rss_mb(pid: int) -> float:
    """Resident memory of the process, in MB (VmRSS), or 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def prepare(subscribers: int) -> int:
    """Empty the alerts tables, add the subscribers, and publish one statement; its id."""
    import django

    django.setup()
    from itertools import batched

    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from alerts.models import AlertEvent, Subscriber, Subscription
    from tests.factories import (
        CampaignFactory,
        OrganisationFactory,
        SignatureFactory,
        StatementFactory,
    )

    # Slugs and names of their own on every run, beside those of earlier runs.
    for factory in (CampaignFactory, OrganisationFactory, StatementFactory):
        factory.reset_sequence(int(time.time()))

    AlertEvent.objects.all().delete()
    Subscriber.objects.all().delete()
    languages = ["en", "ru", "fr"]
    now = timezone.now()
    for batch in batched(range(subscribers), 5000):
        created = Subscriber.objects.bulk_create(
            Subscriber(email=f"reader{n}@bench.example.org", language=languages[n % 3])
            for n in batch
        )
        Subscription.objects.bulk_create(
            Subscription(subscriber=subscriber, kind=Subscription.Kind.ALL, confirmed_at=now)
            for subscriber in created
        )
    # As a database that grew over time is: its statistics current. Read right after the
    # tables were emptied and filled again, the planner would count on a few hundred rows
    # and walk the subscribers once for each subscription.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE alerts_subscriber, alerts_subscription, alerts_delivery")
    editor, _created = User.objects.get_or_create(
        username="bench-alerts-editor", defaults={"is_superuser": True, "is_staff": True}
    )
    statement = StatementFactory(
        approved=True,
        title="Repeal the law on foreign agents",
        title_ru="Отменить закон об иностранных агентах",
        standfirst_ru="Организации призывают отменить закон.",
        body_ru="Текст заявления.",
    )
    SignatureFactory(statement=statement)
    # Queues the announcement for the worker, as an editor's click does.
    statement.publish(by=editor)
    return statement.pk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--port", type=int, default=0)
    arguments = parser.parse_args(argv)

    from bench.smtp_sink import free_port

    port = arguments.port or free_port()
    environment = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": arguments.database,
        "TASKS_BACKEND": "database",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "SITE_URL": "https://chorus.example.org",
        "LOG_LEVEL": "WARNING",
    }
    # The worker runs as in production: without DEBUG (which would keep every query), with
    # Redis for the cache.
    worker_environment = {
        **environment,
        "DEBUG": "false",
        "SECRET_KEY": "bench-alerts-not-secret",
        "REDIS_URL": arguments.redis,
        "HTTPS": "false",
    }
    manage = [sys.executable, str(BASE / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=environment, check=True)
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    started = time.monotonic()
    statement_id = prepare(arguments.subscribers)
    prepared_in = time.monotonic() - started

    counts = multiprocessing.Value("q", 0)
    ready = multiprocessing.Event()
    sink = multiprocessing.Process(target=serve_sink, args=(port, counts, ready), daemon=True)
    sink.start()
    ready.wait(10)

    started = time.monotonic()
    worker = subprocess.Popen(
        [*manage, "db_worker", "--batch", "--no-reload", "--no-startup-delay", "-v0"],
        env=worker_environment,
    )
    samples: list[tuple[float, float]] = []
    while worker.poll() is None:
        samples.append((time.monotonic() - started, rss_mb(worker.pid)))
        time.sleep(0.5)
    elapsed = time.monotonic() - started
    time.sleep(0.5)
    received = int(counts.value)
    sink.terminate()

    from django.db.models import Max, Min

    from alerts.models import Delivery

    sent = Delivery.objects.filter(status=Delivery.Status.SENT).count()
    others = Delivery.objects.exclude(status=Delivery.Status.SENT).count()
    span = Delivery.objects.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    sending = (span["last"] - span["first"]).total_seconds() if span["first"] else 0.0
    # Flat: once the worker has loaded Django and begun (the first tenth of the run), what
    # it holds at the end against the least it held since; the peak is said beside it.
    running = [mb for at, mb in samples if at >= elapsed / 10 and mb > 0]
    growth = running[-1] - min(running) if running else 0.0
    peak = max((mb for _at, mb in samples), default=0.0)
    rate = received / elapsed if elapsed else 0.0
    from bench.drills import Check, record

    checks = [
        Check(
            f"alerts of one statement to {arguments.subscribers:,} subscribers",
            f"{elapsed:.0f} s, {rate:,.0f} messages/s",
            f"≤ {TARGET_SECONDS:.0f} s",
            elapsed <= TARGET_SECONDS,
        ),
        Check(
            "messages accepted by the SMTP sink, and recorded as sent",
            f"{received:,} accepted, {sent:,} sent, {others:,} otherwise",
            f"{arguments.subscribers:,} each, once",
            received == sent == arguments.subscribers and others == 0,
        ),
        Check(
            "worker memory (VmRSS) while sending: growth to the end",
            f"+{growth:.0f} MB (peak {peak:.0f} MB)",
            f"≤ +{TARGET_GROWTH_MB:.0f} MB",
            growth <= TARGET_GROWTH_MB,
        ),
    ]
    every = max(1, len(samples) // 10)
    notes = [
        f"Statement {statement_id}, published through the workflow; the database task worker "
        f"(one process) announced it, matched the subscribers and sent the batches over SMTP "
        f"to aiosmtpd on loopback, in a process of its own on the same 2 cores. Preparing the "
        f"{arguments.subscribers:,} subscribers took {prepared_in:.0f} s (not counted). "
        f"From the first message sent to the last: {sending:.0f} s "
        f"({sent / sending if sending else 0:,.0f} messages/s); before it, the worker "
        "announced the publication and matched the subscribers.",
        "Worker memory over the run (s: MB): "
        + ", ".join(f"{at:.0f}: {mb:.0f}" for at, mb in samples[::every] if mb > 0)
        + ".",
    ]
    return record("alerts", checks, notes)


if __name__ == "__main__":
    sys.exit(main())
