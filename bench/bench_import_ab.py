"""Benchmark (not a test): the importer of two source trees, alternated in one session, on the same files and
database — for "within 10 % of the previous commit" on a shared, drifting machine.

    git archive main | tar -x -C /tmp/base      # the previous commit, A
    git archive HEAD | tar -x -C /tmp/mine      # this one, B
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/junheng_imports_bench \
        .venv/bin/python bench/bench_import_ab.py /tmp/base /tmp/mine --rounds 4 --rows 200000

Prepares the database and the teacher CSV with bench_import.py (one county, 200 schools), then per round and path
runs `bench_import.py --child PATH` of A and of B in fresh processes, the order swapped every round. Paths: the
CSV on an emptied teacher table ("csv"), and the same file again, every row compared and nothing written
("csv_again"). Prints each run, then per path the medians and the median of the per-pair time ratios B/A (the
figure that holds when the machine's speed drifts between rounds).
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a", help="source tree A (the previous commit)")
    parser.add_argument("b", help="source tree B (this commit)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.b) / "bench"))
    sys.path.insert(0, args.b)
    import bench_import as bench

    bench.setup_django()
    bench.prepare_database()
    path = Path(tempfile.mkdtemp(prefix="bench-import-ab-")) / "教师.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(bench.HEADER)
        writer.writerows(bench.teacher_rows(args.rows))
    kinds = ("csv", "csv_again")
    runs: dict = {(tree, kind): [] for tree in "AB" for kind in kinds}
    for round_ in range(args.rounds):
        for kind in kinds:
            for tree in "AB" if round_ % 2 == 0 else "BA":
                root = args.a if tree == "A" else args.b
                out = subprocess.run(
                    [
                        sys.executable,
                        f"{root}/bench/bench_import.py",
                        "--child",
                        kind,
                        str(path),
                        str(args.rows),
                    ],
                    capture_output=True,
                    text=True,
                    env=os.environ,
                    check=True,
                ).stdout.split()
                seconds, peak = float(out[-2]), int(out[-1])
                runs[(tree, kind)].append((seconds, peak))
                print(round_, tree, kind, f"{seconds:.2f} s", f"{peak} MB", f"load {os.getloadavg()[0]:.1f}")
    print("| path | tree | median | rows/s (median) | min | peak RSS | B/A time, median of pairs |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for kind in kinds:
        a = [s for s, _ in runs[("A", kind)]]
        b = [s for s, _ in runs[("B", kind)]]
        ratio = statistics.median(y / x for x, y in zip(a, b, strict=True))
        for tree, times in (("A", a), ("B", b)):
            median = statistics.median(times)
            peak = max(p for _, p in runs[(tree, kind)])
            shown = f"{ratio:.2f}" if tree == "B" else ""
            print(
                f"| {kind} | {tree} | {median:.1f} s | {args.rows / median:,.0f} | {min(times):.1f} s | {peak} MB "
                f"| {shown} |"
            )


if __name__ == "__main__":
    main()
