"""Crash trials at scale: SIGKILL a child during edits, a 10,000-row import, a migration, a
rekey and an encrypt/decrypt swap; after each kill check the file (tests/reliability).

    python tests/perf/crash_trials.py [--trials 60] [--seed 1]

Prints the trials run, how many kills interrupted the work, the edits reported committed and
the edits lost (must be 0), and which passphrase opened each killed rekey.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.conftest import PASSPHRASE  # noqa: E402
from tests.reliability import test_crash as harness  # noqa: E402

MIX = ["edits"] * 8 + ["import"] * 3 + ["migrate"] * 3 + ["rekey"] * 2 + ["encrypt"] * 2 + \
    ["decrypt"] * 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    runs: collections.Counter = collections.Counter()
    interrupted: collections.Counter = collections.Counter()
    opened_with: collections.Counter = collections.Counter()
    committed = lost = failures = 0
    with tempfile.TemporaryDirectory(prefix="crash-trials-") as tmp:
        folder = Path(tmp)
        home = folder / "home"
        bases = {"encrypted": harness.write_base(folder / "enc.mdesk", PASSPHRASE, home),
                 "plain": harness.write_base(folder / "plain.mdesk", None, home)}
        table = harness.write_import_csv(folder / "people.csv")
        scripts = harness.write_scripts(folder / "scripts")
        for number in range(args.trials):
            mode = MIX[number % len(MIX)] if number >= len(MIX) else MIX[number]
            work = folder / ("t%03d" % number)
            work.mkdir()
            home = work / "home"  # each trial its own backups folder
            try:
                if mode == "edits":
                    trial, missing = harness.edits_trial(bases["encrypted"], work, home, rng)
                    committed += len(trial.committed())
                    lost += missing
                elif mode == "import":
                    trial = harness.import_trial(bases["encrypted"], table, work, home, rng)
                elif mode == "migrate":
                    trial = harness.migrate_trial(bases["encrypted"], scripts, work, home, rng)
                else:
                    base = bases["plain"] if mode == "encrypt" else bases["encrypted"]
                    trial, found = harness.rekey_trial(base, work, home, rng, mode)
                    opened_with["%s: %s" % (mode, found.label)] += 1
            except AssertionError as exc:
                failures += 1
                print("trial %d (%s) FAILED: %s" % (number, mode, str(exc).splitlines()[0]))
                continue
            runs[mode] += 1
            interrupted[mode] += trial.interrupted
    print("crash trials run: %d (%s), failed checks: %d, %.0f s" % (
        sum(runs.values()) + failures, ", ".join("%s %d" % kv for kv in sorted(runs.items())),
        failures, time.perf_counter() - started))
    print("kills that interrupted the work: %s" % ", ".join(
        "%s %d/%d" % (m, interrupted[m], runs[m]) for m in sorted(runs)))
    print("edits reported committed: %d, edits lost: %d" % (committed, lost))
    print("after a killed passphrase change the file opened with: %s" % ", ".join(
        "%s %d" % kv for kv in sorted(opened_with.items())))
    return 1 if lost or failures else 0


if __name__ == "__main__":
    sys.exit(main())
