"""The canned questions: each `web/queries/<the-question-it-answers>.rq` with its title and description, and the
parameters a researcher may change from a list (a state, a topic…).

A header line `# parameter: NAME = TERM, one of: PATTERN` says that TERM (a prefixed name or <IRI> in the query)
may be replaced by any ?x the graph pattern PATTERN finds (its label shown); the query page lists them and runs
the query with the one chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

QUERIES_DIR = Path(__file__).parent / "queries"


def canned() -> list[dict]:
    """Return the canned queries: file stem, title, description and text, sorted by title."""
    out = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = {line[2:].split(":", 1)[0].strip(): line[2:].split(":", 1)[1].strip()
                for line in text.splitlines() if line.startswith("# ") and ":" in line}
        params = [p for line in text.splitlines() if (p := Parameter.read(line))]
        out.append({"name": path.stem, "title": meta.get("title", path.stem), "description": meta.get("description", ""),
                    "text": text, "parameters": params})
    return sorted(out, key=lambda q: q["title"])


_PARAMETER = re.compile(r"^# parameter:\s*(\w+)\s*=\s*(\S+),\s*one of:\s*(.+)$")


@dataclass(frozen=True)
class Parameter:
    """A term of a canned query a researcher may change: its name, the term as written, the pattern of its choices."""

    name: str
    term: str
    pattern: str

    @classmethod
    def read(cls, line: str) -> "Parameter | None":
        m = _PARAMETER.match(line.strip())
        return cls(*m.groups()) if m else None

    def options_query(self) -> str:
        return (f"SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{ {self.pattern} "
                f"OPTIONAL {{ ?x skos:prefLabel|rdfs:label ?l }} FILTER(isIRI(?x)) }} GROUP BY ?x ORDER BY ?label ?x")

    def apply(self, text: str, iri: str) -> str:
        """*text* with every use of the term (not the header line's) replaced by <iri>."""
        head, _, body = text.partition("\nSELECT") if "\nSELECT" in text else ("", "", text)
        used = re.compile(r"(?<![\w:<])" + re.escape(self.term) + r"(?![\w\-.:])")
        return (head + "\nSELECT" if head else "") + used.sub(f"<{iri}>", body)
