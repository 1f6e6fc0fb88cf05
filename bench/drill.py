"""Every drill, one after another: `python -m bench.drill` (`make drill`).

Each drill is its own module, `bench.drill_<name>`, runnable alone with
`python -m bench.drill_<name>`; each prints its figures, records them for
bench/RESULTS.md (bench/drills.py) and exits non-zero when a target is missed. This
runs them all against the same databases and exits non-zero if any missed.
"""

import argparse
import importlib
import os
import sys

from bench.drills import DRILL_DATABASE
from bench.stack import DEFAULT_REDIS

DRILLS = ["leaks", "fuzz", "xss", "faults"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=os.environ.get("DRILL_DATABASE_URL", DRILL_DATABASE))
    parser.add_argument("--redis", default=os.environ.get("DRILL_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--only", choices=DRILLS, action="append", help="run only these")
    arguments = parser.parse_args(argv)
    failed = []
    for name in arguments.only or DRILLS:
        print(f"== drill: {name}", flush=True)
        module = importlib.import_module(f"bench.drill_{name}")
        status = module.main(["--database", arguments.database, "--redis", arguments.redis])
        if status:
            failed.append(name)
    if failed:
        print(f"drills that missed a target: {', '.join(failed)}")
        return 1
    print("every drill met its targets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
