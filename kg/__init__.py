"""Turn DiploAI reports on UN cyber diplomacy into one validated RDF knowledge graph."""

__version__ = "0.1.0"
