"""Memory of a build per byte of report, on the worst shapes a report can take (issue #24).

Writes reports of the shapes that cost the most per byte (many one-line transcript turns, turns by as
many distinct speakers, many short arguments, a few very long lines) at the sizes asked, builds each
alone into a fresh store with `kg build` in a subprocess, samples the resident memory of the whole
process tree (the build and its workers) every 20 ms, and prints a table of figures and ratios.

Run: python -m bench.worst [--sizes 256,1024] [--shapes turns,speakers,arguments,lines]
(sizes in KiB). A report the build refuses (too many items, too large) shows its message.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAD = """Agenda item 5: worst-shape synthetic meeting
4 Dec 2024 10:00h - 13:00h
Session at a glance
Summary
A synthetic report of the worst shape for memory per byte.
Keypoints
## Major Discussion Points:
– **Structure**: Delegations spoke.
Speakers
**Speakers from the provided list:**
– **Chair** – Chairperson
– **Kenya** – Country representative/delegate
– **Estonia** – Country representative/delegate
Full session report
# Synthetic
## Part
Delegations spoke briefly many times.
Session transcript
"""
BLOCK = """K
Kenya
Speech speed
131 words per minute
Speech length
655 words
Speech time
300 seconds
"""
ARGUMENT = """Support for item {n} of the draft
Explanation
Kenya supported item {n} of the draft report.
Major discussion point
Structure
Topics
Legal and regulatory
Agreed with
- Estonia
"""
TAIL = """Takeaways
Key takeaways
Delegations spoke.
Disclaimer: synthetic, for measuring memory only.
"""


def report(shape: str, size: int) -> str:
    """A report of about *size* bytes of the given *shape*."""
    body: list[str] = []
    n = 0
    fixed = HEAD + BLOCK + ARGUMENT + TAIL
    size -= len(fixed.encode()) - len(fixed)  # the dashes are two bytes each; every generated line is ASCII
    used = len(fixed)
    if shape == "arguments":
        body.append("Chair: We open the meeting.\n")
        args = []
        while True:
            a = ARGUMENT.format(n=n)
            if used + len(a) > size:
                break
            args.append(a)
            used += len(a)
            n += 1
        return HEAD + "".join(body) + BLOCK + "".join(args) + TAIL
    while True:
        if shape == "turns":
            line = f"{'Kenya' if n % 2 else 'Estonia'}: Thank you, Chair, point {n}.\n"
        elif shape == "speakers":
            line = f"Speaker {n}: Thank you, Chair.\n"
        elif shape == "lines":
            line = "Kenya: " + " ".join(f"word{i}" for i in range(min(100_000, (size - used) // 11))) + ".\n"
        else:
            raise ValueError(shape)
        if used + len(line) > size or len(line) < 12:
            break
        body.append(line)
        used += len(line)
        n += 1
    return HEAD + "".join(body) + BLOCK + ARGUMENT.format(n=0) + TAIL


def tree_rss(pid: int) -> int:
    """Resident bytes of *pid* and all its descendants (from /proc)."""
    kids: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
            status = Path(f"/proc/{d}/statm").read_text().split()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d))
        rss[int(d)] = int(status[1]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += kids.get(p, [])
    return total


def measure(path: Path, store: Path) -> tuple[float, int, int, str]:
    """Build *path* alone; return (seconds, peak tree RSS, exit code, last line of output)."""
    t = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(path), "--store", str(store)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.02)
    out = proc.stdout.read().strip().splitlines()
    return time.monotonic() - t, peak, proc.returncode, (out[-1] if out else "")[:110]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="256,1024", help="report sizes in KiB, comma-separated")
    ap.add_argument("--shapes", default="turns,speakers,arguments,lines")
    args = ap.parse_args()
    print("| shape | report | items | build | peak RSS (tree) | RSS per input byte | exit | last line |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shapes.split(","):
            for kib in (int(s) for s in args.sizes.split(",")):
                text = report(shape, kib * 1024)
                path = Path(tmp) / f"2024-12-04-worst-{shape}-{kib}.txt"
                path.write_text(text, encoding="utf-8")
                items = text.count("\n")
                secs, peak, code, last = measure(path, Path(tmp) / f"store-{shape}-{kib}")
                size = len(text.encode())
                print(f"| {shape} | {size / 1024:,.0f} KiB | {items:,} lines | {secs:.1f} s | {peak / 2**20:,.0f} MiB | "
                      f"{peak / size:,.0f} B | {code} | {last.replace('|', '/')} |", flush=True)


if __name__ == "__main__":
    main()
