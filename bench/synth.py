"""Generate a synthetic corpus of N valid reports, deterministically, from real ones.

Each synthetic report takes a real report (in turn), moves it to its own date, renames the event,
rotates the state delegations among real UN member states (every mention of a state in the text
is replaced consistently, so the "Agreed with" lists still resolve), and shuffles the order of the
speaker blocks. Run: python -m bench.synth OUT_DIR N [REPORT…]
"""

from __future__ import annotations

import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from kg import vocab
from kg.check.prepared import default_resolver
from kg.read.parser import parse_file

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_DATE = re.compile(r"^\d{1,2} [A-Za-z]{3} \d{4} (\d{1,2}:\d{2}h - \d{1,2}:\d{2}h)$", re.M)
_BLOCK = re.compile(r"\n\n([A-Z])\n\n(?=[^\n]+\n\nSpeech speed\n)")


def member_names() -> list[str]:
    g = vocab.reference_graph()
    return sorted(str(g.value(s, SKOS.prefLabel)) for s in g.subjects(RDF.type, vocab.CDO.MemberState))


def state_mentions(path: Path) -> list[str]:
    """Return the state names the report's speakers use, longest first (so 'Islamic Republic of Iran' beats 'Iran')."""
    report = parse_file(path)
    res = default_resolver()
    names = set()
    for name in [s.name for s in report.speakers] + [b.name for b in report.blocks] + \
            [t.text for _, a in report.arguments for t in a.agreed_with + a.disagreed_with]:
        a = res.speaker(name)
        if a.kind == vocab.CDO.State:
            names.add(re.sub(r"\s*\(.*\)$", "", name))
    return sorted(names, key=lambda n: (-len(n), n))


def shuffle_blocks(text: str, rng: random.Random) -> str:
    """Shuffle the speaker blocks between the transcript and the Agreements section."""
    head, sep, tail = text.partition("\n\nAgreements\n")
    parts = _BLOCK.split(head)
    if len(parts) < 5:
        return text
    prefix, blocks = parts[0], [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
    rng.shuffle(blocks)
    return prefix + "".join(f"\n\n{letter}\n\n{body}" for letter, body in blocks) + sep + tail


def synthesize(sources: list[Path], out: Path, n: int, seed: int = 7) -> list[Path]:
    """Write *n* synthetic reports into *out* and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    members = member_names()
    texts = [(p, p.read_text(encoding="utf-8"), state_mentions(p)) for p in sources]
    start = date(2021, 6, 1)
    paths = []
    for i in range(n):
        src, text, names = texts[i % len(texts)]
        day = start + timedelta(days=i)
        picked = rng.sample(members, len(names))
        mapping = dict(zip(names, picked))
        if mapping:
            rx = re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in mapping) + r")(?![\w-])")
            text = rx.sub(lambda m: mapping[m.group(1)], text)
        text = _DATE.sub(f"{day.day} {MONTHS[day.month - 1]} {day.year} \\1", text, count=1)
        text = shuffle_blocks(text, rng)
        path = out / f"{day.isoformat()}-synthetic-{i:05d}-{src.stem[11:40]}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def corrupt(g: Graph, rng: random.Random) -> Graph:
    """One random corruption of the kind a converter bug would make."""
    out = Graph()
    out += g
    triples = sorted(g, key=str)
    s, p, o = rng.choice(triples)
    kind = rng.choice(["drop", "retype", "duplicate", "bad-literal", "wrong-class", "blank", "empty"])
    if kind == "drop":
        out.remove((s, p, o))
    elif kind == "retype" and isinstance(o, Literal):
        out.remove((s, p, o))
        out.add((s, p, Literal(str(o), datatype=rng.choice([XSD.integer, XSD.date, XSD.string, XSD.dateTime]))))
    elif kind == "duplicate":
        out.add((s, p, Literal("another value") if isinstance(o, Literal) else URIRef(str(o) + "-2")))
    elif kind == "bad-literal":
        out.add((s, p, Literal("not a number", datatype=XSD.integer)))
    elif kind == "wrong-class":
        out.add((s, p, URIRef("https://w3id.org/cyberdiplo/id/topic/development")))
    elif kind == "blank":
        out.add((s, p, BNode()))
    else:
        out.remove((s, p, o))
        out.add((s, p, Literal("")))
    if rng.random() < 0.3:  # and now and then a node of another class
        out.add((s, RDF.type, rng.choice([URIRef(vocab.CDO + c) for c in ("Position", "Argument", "State", "Finding")])))
    return out


if __name__ == "__main__":
    target, count = Path(sys.argv[1]), int(sys.argv[2])
    srcs = [Path(p) for p in sys.argv[3:]] or sorted((Path(__file__).resolve().parents[2] / "shared" / "reports").glob("*.txt"))
    print(len(synthesize(srcs, target, count)), "reports in", target)
