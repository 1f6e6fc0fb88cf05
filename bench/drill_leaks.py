"""The leak crawl drill: `python -m bench.drill_leaks` (part of `make drill`).

Into its own database: the generated data at its tiny scale (bench/generate.py), then
the hidden world of bench/leak_world.py, at least 200 things the public may not see, each
with a unique marker. Then the production-like stack (bench/stack.py) is crawled twice by
bench/crawl.py, cold and then with the page cache warm: every public link from the home
pages and the sitemap, every feed, every API list with each filter, ordering and cursor
page, a search for every marker in every language, and each hidden thing's own address.

Targets: no marker in any answer, no 5xx, every hidden address 404 (a withdrawn
statement 410 with its notice), the crawl within its bound. What the design lets the
public see of a withdrawn statement (title, dates and reason, on its 410 notice and as a
tombstone in the change feed) carries its own marker, allowed there and nowhere else.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.crawl import Answer, Crawler, CrawlResult
from bench.drills import DRILL_DATABASE, Check, record
from bench.stack import DEFAULT_REDIS, PYTHON, ROOT, ensure_database, fetch, running_stack

MIN_HIDDEN = 200
EXPECTED_KINDS = {
    "html page",
    "atom feed",
    "sitemap",
    "robots.txt",
    "search",
    "api schema",
    "api list",
    "api detail",
    "api change feed",
    "probe of a hidden address",
}


def prepare(database: str, per_state: int, unconfirmed: int, work: Path) -> dict:
    """Migrate, write the generated data and the hidden world; return the manifest."""
    environment = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    }

    def run(*arguments: str) -> None:
        subprocess.run([PYTHON, *arguments], cwd=ROOT, env=environment, check=True)

    run("manage.py", "migrate", "--no-input", "-v0")
    run("-m", "bench.generate", "--scale", "tiny", "--seed", "1")
    manifest = work / "manifest.json"
    run(
        "-m",
        "bench.leak_world",
        "--per-state",
        str(per_state),
        "--unconfirmed",
        str(unconfirmed),
        "--out",
        str(manifest),
    )
    return dict(json.loads(manifest.read_text()))


def crawl(base: str, manifest: dict, max_requests: int, threads: int) -> tuple[CrawlResult, float]:
    def get(path: str, headers: dict[str, str]) -> Answer:
        return fetch(base + path, headers)

    with ThreadPoolExecutor(threads) as pool:

        def get_many(paths: list[str]) -> list[Answer]:
            return list(pool.map(lambda path: get(path, {}), paths))

        started = time.monotonic()
        crawler = Crawler(
            get,
            manifest,
            origin=base,
            max_requests=max_requests,
            get_many=get_many,
            # Each filter value in the first ordering, each ordering with one value of
            # each filter, and every ordering's whole list page by page.
            cross_orderings=False,
            progress=lambda message: print(f"[leaks]   {message}", flush=True),
        )
        result = crawler.run()
    return result, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DRILL_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--per-state", type=int, default=10, help="hidden statements per state")
    parser.add_argument("--unconfirmed", type=int, default=5, help="signatures per status")
    parser.add_argument("--max-requests", type=int, default=15_000, help="per crawl")
    parser.add_argument("--threads", type=int, default=8)
    arguments = parser.parse_args(argv)

    ensure_database(arguments.database)
    work = Path(tempfile.mkdtemp(prefix="chorus-leaks-"))
    manifest = prepare(arguments.database, arguments.per_state, arguments.unconfirmed, work)
    hidden = sum(manifest["objects"].values())
    print(f"[leaks] seeded {hidden} marked things the public may not see:", flush=True)
    for what, count in manifest["objects"].items():
        print(f"[leaks]   {what}: {count}")

    results: dict[str, tuple[CrawlResult, float]] = {}
    with running_stack(arguments.database, arguments.redis) as stack:
        for run in ("cold", "warm"):
            results[run] = crawl(stack.base, manifest, arguments.max_requests, arguments.threads)
            print(f"[leaks] {run} crawl: {results[run][0].summary()}", flush=True)

    checks = [
        Check(
            "marked things the public may not see",
            f"{hidden} ({len(manifest['markers'])} markers, {len(manifest['notice_markers'])}"
            " notice markers besides)",
            f">= {MIN_HIDDEN}",
            hidden >= MIN_HIDDEN,
        ),
        Check(
            "hidden statements in every state",
            ", ".join(f"{state} {n}" for state, n in manifest["hidden_statements"].items())
            + f"; unconfirmed signatures {manifest['unconfirmed_signatures']}",
            ">= 1 each",
            all(manifest["hidden_statements"].values()) and manifest["unconfirmed_signatures"] > 0,
        ),
    ]
    notes = [
        "Hidden: statements draft, in review, approved, scheduled (embargoed) and withdrawn, "
        "made through the workflow methods; the organisations, press contacts, joint "
        "programmes, demands, corrections, publications and preview links around them; "
        "invited, pending, declined and withdrawn signatures on published statements.",
        "A withdrawn statement's title and reason are public by design (its 410 notice, the "
        "change feed's tombstone): they carry a notice marker allowed only there.",
        f"Seeded: {json.dumps(manifest['objects'])}",
    ]
    for run, (result, seconds) in results.items():
        found = result.findings
        checks += [
            Check(f"markers found ({run} cache)", str(len(found)), "0", not found),
            Check(
                f"5xx answers ({run} cache)",
                str(len(result.server_errors)),
                "0",
                not result.server_errors,
            ),
            Check(
                f"hidden addresses answering otherwise than 404/410 ({run} cache)",
                f"{len(result.probe_failures)} of {result.probes}",
                "0",
                not result.probe_failures,
            ),
            Check(
                f"requests ({run} cache)",
                f"{result.requests} in {seconds:.0f} s",
                f"<= {result.bound}, every kind of address",
                not result.truncated and set(result.kinds) >= EXPECTED_KINDS,
            ),
        ]
        notes.append(f"{run}: " + ", ".join(f"{k} {n}" for k, n in sorted(result.kinds.items())))
        for finding in found[:20]:
            where = f"{finding.path} [{finding.status}]"
            print(f"[leaks] LEAK {finding.marker} ({finding.what}) at {where}: …{finding.context}…")
        for path, status in result.server_errors[:20]:
            print(f"[leaks] {status} at {path}")
        for path, expected, status in result.probe_failures[:20]:
            print(f"[leaks] {path}: {status}, expected {expected}")
    return record("leaks", checks, notes)


if __name__ == "__main__":
    sys.exit(main())
