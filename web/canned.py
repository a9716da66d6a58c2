"""The canned questions: each `web/queries/<the-question-it-answers>.rq` with its title and description."""

from __future__ import annotations

from pathlib import Path

QUERIES_DIR = Path(__file__).parent / "queries"


def canned() -> list[dict]:
    """Return the canned queries: file stem, title, description and text, sorted by title."""
    out = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        meta = {line[2:].split(":", 1)[0].strip(): line[2:].split(":", 1)[1].strip()
                for line in text.splitlines() if line.startswith("# ") and ":" in line}
        out.append({"name": path.stem, "title": meta.get("title", path.stem), "description": meta.get("description", ""),
                    "text": text})
    return sorted(out, key=lambda q: q["title"])
