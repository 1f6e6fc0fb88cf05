"""gunicorn's worker behind Varnish: `python -m bench.worker_choice --database ...`.

The overload drill (bench/drill_faults.py `overload`: a baseline at 64 connections, 512
connections for 20 s, then 2-s runs at 64 connections until one is back to the baseline)
run through Varnish with config/varnish.vcl in front of the stack, with each worker class
given (`--worker-class sync --worker-class gthread`, say; gunicorn's sync worker, the
site's, by default) in turn, each as many times (A, B, A, B, ...), so that the machine's
drift reaches all alike. Without Varnish as well where `--direct` is given. Against the
benchmark's database, a redis-server of its own, and the traffic mix of the drills
(public pages, API reads).

It decided the site's worker: one that closed, unanswered, a queued connection whose
client had gone did no better than gunicorn's own behind Varnish, and was removed
(bench/NOTES.md, "Floors and Varnish").
"""

import argparse
import dataclasses
import os
import re
import statistics
import sys
from contextlib import nullcontext
from pathlib import Path

from bench.drill_faults import ROTATE_LUA, ThrowawayRedis, overload, read_paths, settle, warm
from bench.drills import Check, record
from bench.stack import (
    ensure_command,
    free_port,
    running_stack,
    running_varnish,
    varnish_environment,
)

MIX_PATHS = 200


def recovered_after(checks: list[Check]) -> float | None:
    """Seconds from the overload's end to the first run back at the baseline."""
    check = next(check for check in checks if check.name.startswith("overload: back to"))
    found = re.fullmatch(r"([\d.]+) s", check.measured)
    return float(found.group(1)) if found else None


def one_run(database: str, redis: str, worker: str, through_varnish: bool) -> float | None:
    """Seconds back to the baseline after the overload, with gunicorn's `worker` class."""
    notes: list[str] = []
    port = free_port()
    environment = varnish_environment(port) if through_varnish else {}
    # The drills' mix, the first MIX_PATHS of its repeatable order: the whole of it takes
    # minutes to ask for once at this scale, the sitemap alone half a minute.
    paths = [path for path in read_paths(database) if path != "/sitemap.xml"][:MIX_PATHS]
    with (
        running_stack(
            database, redis, environment=environment, gunicorn_arguments=("--worker-class", worker)
        ) as stack,
        running_varnish(stack, port) if through_varnish else nullcontext() as varnish,
    ):
        front = dataclasses.replace(stack, base=varnish.base) if varnish else stack
        # Asked for once where the load will ask: through Varnish, Varnish keeps the
        # public pages, and the app its own copies.
        paths = warm(front, paths)
        mix = stack.work / "mix.txt"
        mix.write_text("\n".join(paths) + "\n")
        script = stack.work / "mix.lua"
        script.write_text(ROTATE_LUA % mix)
        settle(stack, print)
        return recovered_after(overload(front, script, notes, print))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chorus_bench"
        ),
    )
    parser.add_argument("--redis", help="accepted as by the other checks; not used")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--direct", action="store_true", help="also without Varnish")
    parser.add_argument(
        "--worker-class", action="append", help="gunicorn's worker classes to compare (sync)"
    )
    arguments = parser.parse_args(argv)
    ensure_command("wrk", "wrk")

    fronts = [True, False] if arguments.direct else [True]
    times: dict[tuple[str, bool], list[float | None]] = {}
    # A Redis of its own, emptied by each stack: nothing else's cache is touched.
    redis = ThrowawayRedis()
    try:
        redis.start()
        for round_number in range(arguments.rounds):
            for through_varnish in fronts:
                for worker in arguments.worker_class or ["sync"]:
                    where = "through Varnish" if through_varnish else "gunicorn alone"
                    print(f"round {round_number + 1}: {worker}, {where}", flush=True)
                    after = one_run(arguments.database, redis.url(1), worker, through_varnish)
                    times.setdefault((worker, through_varnish), []).append(after)
    finally:
        redis.remove()

    def shown(values: list[float | None]) -> str:
        return ", ".join(
            "not within 30 s" if value is None else f"{value:.1f} s" for value in values
        )

    checks = []
    notes = [
        f"The overload drill (512 connections for 20 s, then 2-s runs at 64 connections "
        f"until one is back to the baseline) against the {Path(arguments.database).name} "
        f"database, gunicorn with {2 * (os.cpu_count() or 1) + 1} workers on "
        f"{os.cpu_count()} cores, each worker in turn, {arguments.rounds} rounds."
    ]
    for (worker, through_varnish), values in times.items():
        where = "through Varnish" if through_varnish else "gunicorn alone"
        known = [value for value in values if value is not None]
        middle = statistics.median(known) if len(known) == len(values) else None
        checks.append(
            Check(
                f"back to baseline after 512 connections, {where}, {worker}",
                f"median {'not within 30 s' if middle is None else f'{middle:.1f} s'} "
                f"({shown(values)})",
                "≤ 10 s",
                middle is not None and middle <= 10,
            )
        )
    return record("worker-choice", checks, notes)


if __name__ == "__main__":
    sys.exit(main())
