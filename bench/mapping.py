"""Time the map stage on the real reports (or the reports given): `python -m bench.mapping [REPORT…]`.

Prints, per report, the median of five mappings, its triples, its positions (and how many the transcript and the
report's summary gave) and the agreements and disagreements derived from them; then the statement reader alone
(kg/map/statements.py) over every transcript sentence, in sentences per second."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from kg import constants as C
from kg.check.prepared import default_resolver
from kg.map import statements
from kg.map.mapper import map_triples
from kg.read.citations import split
from kg.read.parser import parse_file
from kg.vocab import BASIS, CDO, RDF


def main(paths: list[Path]) -> None:
    res = default_resolver()
    print(f"{'report':48} {'map ms':>7} {'triples':>8} {'positions':>10} {'transcript':>10} {'summary':>8} {'pairs':>6}")
    sentences = []
    for p in paths:
        data = p.read_bytes()
        report = parse_file(p, data)
        times = []
        for _ in range(5):
            t = time.perf_counter()
            triples = map_triples(report, res, data)
            times.append(time.perf_counter() - t)
        g = triples.graph()
        pairs = len(set(g.subjects(RDF.type, CDO.DerivedAgreement)) | set(g.subjects(RDF.type, CDO.DerivedDisagreement)))
        print(f"{p.name[:48]:48} {statistics.median(times) * 1000:7.0f} {len(g):8} {len(set(g.subjects(CDO.positionOf, None))):10} "
              f"{len(set(g.subjects(CDO.basis, BASIS.transcript))):10} {len(set(g.subjects(CDO.basis, BASIS.summary))):8} {pairs:6}")
        sentences += [s for t in report.turns for _, s in split(t.text)]
    t = time.perf_counter()
    for s in sentences:
        statements.sentence(s, res)
    took = time.perf_counter() - t
    print(f"\nstatement reader: {len(sentences)} transcript sentences in {took:.2f} s = {len(sentences) / took:,.0f} sentences/s")


if __name__ == "__main__":
    shared = C.ROOT.parent / "shared" / "reports"
    main([Path(a) for a in sys.argv[1:]] or sorted(shared.glob("*.txt")) + [C.ROOT / "samples" / "2024-12-04-oewg-10th-session-meeting-3.txt"])
