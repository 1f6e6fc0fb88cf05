"""What every drill reports: named checks, each a measured figure beside its target.

A drill (`python -m bench.drill_<name>`) ends with `record()`: the checks are printed,
written to bench/results-drill-<name>.json for bench/RESULTS.md, and the exit status is
non-zero when any target is missed.
"""

import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# The drills' own database (`make drill`, DRILL_DATABASE_URL), apart from the benchmark's.
DRILL_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_drill"


@dataclass
class Check:
    name: str
    measured: str
    target: str
    met: bool


def record(drill: str, checks: Iterable[Check], notes: Iterable[str] = ()) -> int:
    checks = list(checks)
    for check in checks:
        mark = "met" if check.met else "MISSED"
        print(f"[{drill}] {check.name}: {check.measured} (target {check.target}) {mark}")
    result = {
        "drill": drill,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "checks": [asdict(check) for check in checks],
        "notes": list(notes),
    }
    (BENCH / f"results-drill-{drill}.json").write_text(json.dumps(result, indent=2) + "\n")
    from bench.report import write_report

    write_report()
    return 0 if all(check.met for check in checks) else 1
