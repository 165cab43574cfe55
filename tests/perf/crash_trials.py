"""Crash trials at scale: SIGKILL a child during edits, a 10,000-row import, a migration, a
rekey and an encrypt/decrypt swap; after each kill check the file (tests/reliability).
Then kills during the work that writes a whole new file: `rekey --remove`, `demo` and an
import into a new file (tests/reliability/test_crash_partials.py).

    python tests/perf/crash_trials.py [--trials 60] [--partials 10] [--large-demo 0] [--seed 1]

Prints the trials run, how many kills interrupted the work, the edits reported committed and
the edits lost (must be 0), and which passphrase opened each killed rekey; for the partials:
the files each kind of kill left, their modes, those readable by others (must be 0), those
holding plaintext, what was left after the next `check` (must be nothing) and the committed
work lost (must be 0). `--large-demo N` adds N kills of `demo --large` (seconds into it).
"""

from __future__ import annotations

import argparse
import collections
import random
import shutil
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
    parser.add_argument("--partials", type=int, default=10,
                        help="kills of each of rekey-remove, demo and import-new")
    parser.add_argument("--large-demo", type=int, default=0,
                        help="kills of demo --large")
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
        partial_failures = run_partials(args, rng, folder, bases["encrypted"])
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
    return 1 if lost or failures or partial_failures else 0


#: kind -> the longest delay before the kill (about the work's own length here).
PARTIAL_DELAYS = {"rekey-remove": 1.0, "demo": 5.0, "import-new": 4.0}


def run_partials(args, rng: random.Random, folder: Path, base: Path) -> int:
    """Kill during rekey --remove, demo and import-new; print what each left."""
    from tests.reliability import test_crash_partials as partials

    home = folder / "partials-home"
    export = partials.write_export(base, folder / "export.json", home)
    plan = [(kind, PARTIAL_DELAYS[kind], "small") for kind in PARTIAL_DELAYS
            for _ in range(args.partials)]
    plan += [("demo", 40.0, "large")] * args.large_demo
    results: dict[str, list] = collections.defaultdict(list)
    failures = 0
    started = time.perf_counter()
    for number, (kind, max_delay, size) in enumerate(plan):
        work = folder / ("p%03d" % number)
        work.mkdir()
        label = kind if size == "small" else "demo --large"
        try:
            left = partials.partial_trial(kind, base, export, work, home, rng,
                                          max_delay=max_delay, demo_size=size,
                                          stakeholders=harness.BASE_STAKEHOLDERS)
        except AssertionError as exc:
            failures += 1
            print("partial trial %d (%s) FAILED: %s" % (number, label,
                                                         str(exc).splitlines()[0]))
            continue
        results[label].append(left)
        shutil.rmtree(work, ignore_errors=True)  # a killed --large demo leaves gigabytes
    print("kills during whole-file work: %d, failed checks: %d, %.0f s" % (
        len(plan), failures, time.perf_counter() - started))
    for label, lefts in results.items():
        files = collections.Counter()
        modes = collections.Counter()
        for left in lefts:
            for name, mode in left.files.items():
                files[_generic(name)] += 1
                modes["%o" % mode] += 1
        print("  %s: %d kills (%d interrupted the work); files left: %d (%s); modes: %s; "
              "readable by others: %d; holding plaintext: %d; left after the next check: %d;"
              " committed work lost: %d" % (
                  label, len(lefts), sum(left.interrupted for left in lefts),
                  sum(files.values()), ", ".join("%s %d" % kv for kv in sorted(files.items()))
                  or "none", ", ".join("%s %d" % kv for kv in sorted(modes.items())) or "-",
                  sum(len(left.readable_by_others) for left in lefts),
                  sum(len(left.plaintext) for left in lefts),
                  sum(len(left.after_check) for left in lefts),
                  sum(left.lost for left in lefts)))
        bad = sum(len(left.readable_by_others) + len(left.after_check) + left.lost
                  for left in lefts)
        failures += bad > 0
    return failures


def _generic(name: str) -> str:
    """A left file's name with the mission's name as NAME (".NAME.rekey-journal")."""
    for stem in ("mission.mdesk", "fresh.mdesk"):
        name = name.replace(stem, "NAME")
    return name


if __name__ == "__main__":
    sys.exit(main())
