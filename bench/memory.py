"""Peak memory of a gunicorn worker serving many distinct pages of a large database.

    python -m bench.memory --database postgres://postgres@127.0.0.1:5432/chorus_bench_large

Starts the production-like stack (bench/stack.py), asks for `--pages` distinct statement
pages and as many API statement details, then the statement list, the search and an API
page of 50, each from several threads, and reads each worker's peak resident memory
(VmHWM). The target: every worker under TARGET_MB. The result goes to
bench/results-drill-memory.json and bench/RESULTS.md.
"""

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor

from bench.stack import DEFAULT_REDIS, fetch, psql, running_stack

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_bench_large"
TARGET_MB = 200.0


def statement_paths(database: str, limit: int) -> list[tuple[int, str]]:
    rows = psql(
        database,
        "SELECT id, '/statements/' || extract(year FROM issued_on)::int "
        "|| '/' || slug || '/' FROM campaigns_statement WHERE status = 'published' "
        "AND publish_at <= now() AND withdrawn_at IS NULL "
        f"ORDER BY id LIMIT {int(limit)}",
    )
    return [(int(pk), path) for pk, path in (line.split("|") for line in rows.splitlines())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=8)
    arguments = parser.parse_args(argv)
    from bench.drills import Check, record

    statements = statement_paths(arguments.database, arguments.pages)
    paths = [path for _pk, path in statements]
    paths += [f"/api/v1/statements/{pk}/" for pk, _path in statements]
    paths += ["/statements/", "/search/?q=freedom", "/api/v1/statements/?page_size=50"] * 10
    with running_stack(arguments.database, arguments.redis) as stack:
        with ThreadPoolExecutor(arguments.threads) as pool:
            statuses = list(pool.map(lambda path: fetch(stack.base + path)[0], paths))
        peaks = stack.worker_rss_mb(peak=True)
        now = stack.worker_rss_mb()
    failed = sum(1 for status in statuses if status != 200)
    checks = [
        Check(
            "peak worker memory (VmHWM), largest worker",
            f"{max(peaks):.0f} MB (workers: {', '.join(f'{mb:.0f}' for mb in sorted(peaks))})",
            f"< {TARGET_MB:.0f} MB",
            max(peaks) < TARGET_MB,
        ),
        Check("requests answered 200", f"{len(paths) - failed} of {len(paths)}", "all", not failed),
    ]
    notes = [
        f"{len(statements)} distinct statement pages and API details, then lists, search and "
        f"API pages, {arguments.threads} at a time; resident memory at the end: "
        + ", ".join(f"{mb:.0f}" for mb in sorted(now))
        + " MB."
    ]
    return record("memory", checks, notes)


if __name__ == "__main__":
    sys.exit(main())
