"""Declare every path, namespace and limit the project uses, once."""

from __future__ import annotations

import os
from pathlib import Path

# The data folders sit beside the package in a checkout and in an editable install; a wheel
# install ships them inside the package (see pyproject's force-include), so look there second.
_PKG = Path(__file__).resolve().parent
ROOT = _PKG.parent if (_PKG.parent / "ontology").is_dir() else _PKG / "_data"

ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "cdo.ttl"
SCHEMES_FILE = ONTOLOGY_DIR / "schemes.ttl"
REFERENCE_DIR = ONTOLOGY_DIR / "reference"
REFERENCE_FILES = tuple(sorted(REFERENCE_DIR.glob("*.ttl")))
SHAPES_DIR = ROOT / "shapes"
SHAPES_FILE = SHAPES_DIR / "cdo-shapes.ttl"
CHECKS_DIR = SHAPES_DIR / "checks"
SAMPLES_DIR = ROOT / "samples"

# Where `kg build` keeps its store unless --store or KG_STORE says otherwise.
DEFAULT_STORE = Path(os.environ.get("KG_STORE", "kg-store"))
# Files kept per graph (kg/store/pool.py), in the store folder's pool shared by its generations (GRAPH_POOL/<kind>/),
# each generation naming its own in GRAPH_FILES: the graphs as gzipped Turtle; what each report graph lists
# for the pages, and its labels for the search (kg/store/entries.py). The format's version is in the kind's name:
# a new format is a new kind, which the next build writes for every graph (other versions are not carried on).
GRAPH_DUMPS = "turtle"
GRAPH_ENTRIES = "entries-v3"
GRAPH_LABELS = "labels-v2"
GRAPH_TEXTS = "texts-v1"              # each report graph's texts for the full-text index (kg/store/fulltext.py)
# IRIs the label search leaves out: a report has a hundred mentions ("“paragraph 16”: Rev.2, paragraph 16"); the
# search finds the provision, whose page lists them (kg/store/entries.labels_of, web/search.py)
UNSEARCHED = "/mention/"
GRAPH_POOL = "files"                  # in the store folder
GRAPH_FILES = "files.json"            # in each generation folder: {kind: {graph IRI: file name in the pool}}
FILE_HASHES = "file-hashes.json"      # in the store folder: report hashes by size, time and inode (kg/store/hashes.py)
REPORTS_LIST = "reports.json"         # in each generation folder: its reports' hashes, file names, meetings (kg/store/generations.py)

# Derived data worth keeping between runs (the reference data's OWL RL closure), keyed by content hash.
CACHE_DIR = Path(os.environ.get("KG_CACHE", Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "cyberdiplo-kg"))

DEFAULT_BASE = "https://w3id.org/cyberdiplo/"
BASE = os.environ.get("KG_BASE_IRI", DEFAULT_BASE)
ONTOLOGY_NS = BASE + "ontology#"
ONTOLOGY_IRI = BASE + "ontology"
DATA_NS = BASE + "id/"
REFERENCE_GRAPH = DATA_NS + "graph/reference"
ONTOLOGY_GRAPH = DATA_NS + "graph/ontology"

PREFIXES = {
    "cdo": ONTOLOGY_NS,
    "id": DATA_NS,
    "state": DATA_NS + "state/",
    "group": DATA_NS + "group/",
    "mech": DATA_NS + "mechanism/",
    "inst": DATA_NS + "instrument/",
    "topic": DATA_NS + "topic/",
    "stance": DATA_NS + "stance/",
    "issue": DATA_NS + "issue/",
    "meeting": DATA_NS + "meeting/",
    "session": DATA_NS + "session/",
    "agenda-item": DATA_NS + "agenda-item/",
    "report": DATA_NS + "report/",
    "person": DATA_NS + "person/",
    "office": DATA_NS + "office/",
    "organization": DATA_NS + "organization/",
    "status": DATA_NS + "status/",
    "direction": DATA_NS + "direction/",
    "document": DATA_NS + "document/",
    "proposal-action": DATA_NS + "proposal-action/",
    "speech-act": DATA_NS + "speech-act/",
    "scheme": DATA_NS + "scheme/",
    "graph": DATA_NS + "graph/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "frbr": "http://purl.org/vocab/frbr/core#",
}

# Namespaces whose IRIs nest further (a meeting's arguments, turns…): queries may use them, Turtle does not.
NESTED_PREFIXES = ("meeting", "session", "agenda-item", "report", "graph", "document")
# Prefixes written into Turtle, TriG and JSON-LD: not 'id:' nor the nested ones, whose local names
# ('meeting/2025-…/argument/7') would need every slash escaped; such IRIs read better in full.
SERIAL_PREFIXES = {p: ns for p, ns in PREFIXES.items() if p not in ("id",) + NESTED_PREFIXES}

# Limits on untrusted input.
# A build needs up to about 1,000 bytes of RSS per byte of a report of the worst shape (one-line
# transcript turns, each by another speaker: 512 KiB → 568 MiB for the build and its worker, 128 KiB →
# 194 MiB; `python -m bench.worst`, docs/benchmarks.md), so this cap keeps one report's build under
# 1.5 GiB; real reports are 130-150 KB.
MAX_REPORT_BYTES = 1_310_720          # 1.25 MiB: refuse larger report files before reading them
BUILD_MEMORY = 1536 << 20             # convert reports side by side only while their estimates fit in this
WORKER_BASE_RSS = 120 << 20           # a conversion worker before its report (interpreter, rdflib, prepared context)
RSS_PER_REPORT_BYTE = 1_100           # ... and per byte of its report, at worst (the measure above, rounded up)
MAX_LINE_CHARS = 1_000_000            # refuse a line longer than this
INFER_SECONDS = 120.0                 # owlrl budget per report
INFER_MAX_NEW_TRIPLES = 200_000       # owlrl may add at most this many triples per report

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
