"""Importer fuzzing at scale (tests/reliability/test_fuzz_importers.py with many examples).

    python tests/perf/fuzz_importers.py [--examples 300]

Prints, per importer, the cases run, how many imported and how many were refused (by error
code), and the first untyped failure if any (exit status 1 then).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.reliability import test_fuzz_importers as fuzz  # noqa: E402


def _checker(many, strategy, case, outcomes):
    @many
    @given(value=strategy)
    def check(value):
        outcomes[case(value)] += 1

    return check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=300)
    args = parser.parse_args()
    many = settings(max_examples=args.examples, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="fuzz-importers-") as tmp:
        missions = fuzz.prepare_missions(Path(tmp))
        export = json.loads(missions["export"].read_text(encoding="utf-8"))
        runs = {name: (lambda kind=kind, suffix=suffix: (
                    lambda data: fuzz.run_table_case(missions["populated"], kind, suffix, data)),
                       strategy)
                for name, (kind, suffix, strategy) in fuzz.TABLE_IMPORTERS.items()}
        runs["json"] = (lambda: (lambda doc: fuzz.run_json_case(missions["empty"], doc)),
                        fuzz.json_documents(export))
        for name, (make, strategy) in sorted(runs.items()):
            outcomes: collections.Counter = collections.Counter()
            case = make()
            started = time.perf_counter()

            check = _checker(many, strategy, case, outcomes)

            try:
                check()
                status = "ok"
            except Exception:  # noqa: BLE001 - report any failure with its traceback
                failed += 1
                status = "FAILED:\n" + traceback.format_exc(limit=6)
            print("%-20s cases %4d  imported %4d  refused %s  %.1f s  %s" % (
                name, sum(outcomes.values()), outcomes["imported"],
                dict(sorted((k, v) for k, v in outcomes.items() if k != "imported")),
                time.perf_counter() - started, status))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
