#!/usr/bin/env python3
"""Local documents: index and query time for a folder of a few thousand files.

    python benchmarks/docs_bench.py [--files 3000] [--source ../shared/offline-web]

Writes a folder of Markdown and text files (their text from the offline web's pages when
--source has them, else generated), then measures with kresearch's own DocsIndex: the first
index, a second one over the unchanged folder (nothing should be read again), one after 1% of
the files changed, and the median and p90 time of a query (50 queries of 2-4 words taken from
the files). Prints a Markdown table for benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kresearch.tools.localdocs import DocsIndex


def texts(source: Path | None, n: int, rng: random.Random) -> list[str]:
    pages = []
    data = source / "data" if source else None
    if data and data.is_dir():
        for path in sorted(data.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                for value in item.values() if isinstance(item, dict) else []:
                    if isinstance(value, str) and len(value) > 200:
                        pages.append(value)
    words = "memory cache processor canal island river battle album band film novel garbage collection " \
            "protocol network packet kernel thread lock queue graph tree sort merge quick heap".split()
    while len(pages) < n:
        pages.append(" ".join(rng.choice(words) for _ in range(rng.randint(150, 900))) + ".")
    rng.shuffle(pages)
    return pages[:n]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "offline-web")
    args = ap.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "docs", Path(tmp) / "index.sqlite3"
        folder.mkdir()
        bodies = texts(args.source, args.files, rng)
        for i, body in enumerate(bodies):
            sub = folder / f"d{i % 50:02d}"
            sub.mkdir(exist_ok=True)
            if i % 2:
                (sub / f"f{i}.md").write_text(f"# Document {i}\n\n{body}\n", encoding="utf-8")
            else:
                (sub / f"f{i}.txt").write_text(body + "\n", encoding="utf-8")
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        index = DocsIndex(db, [folder])
        first = index.update()
        second = index.update()
        for path in sorted(folder.rglob("*.txt"))[: max(1, args.files // 100)]:
            path.write_text(path.read_text() + "\nChanged.\n")
        third = index.update()
        queries = []
        for body in rng.sample(bodies, 50):
            words = [w for w in body.split() if w.isalpha() and len(w) > 3]
            if words:
                start = rng.randrange(len(words))
                queries.append(" ".join(words[start:start + rng.randint(2, 4)]))
        times = []
        for q in queries:
            t = time.perf_counter()
            index.search(q, 5)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        status = index.status()
        index.close()
        db_size = db.stat().st_size
    print(f"{args.files} files, {size / 2**20:.1f} MB of text, {status['parts']} parts; index {db_size / 2**20:.1f} MB\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| first index | {first.seconds:.2f} s ({first.added} files) |")
    print(f"| second index, nothing changed | {second.seconds:.2f} s ({second.unchanged} unchanged, {second.added + second.updated} read) |")
    print(f"| after {third.updated} files changed | {third.seconds:.2f} s |")
    print(f"| query, median of {len(times)} | {statistics.median(times):.1f} ms |")
    print(f"| query, p90 | {times[int(0.9 * (len(times) - 1))]:.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
