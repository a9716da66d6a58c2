"""Run the kg command line: python -m kg."""

from .cli import entry

entry()
