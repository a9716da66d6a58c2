"""Parse a DiploAI report file into a Report, with the reader of its layout (kg/read/layouts/)."""

from __future__ import annotations

from pathlib import Path

from kg.read import layouts
from kg.read.reader import Line, ReportError, read_lines
from kg.read.report import Report


def parse_file(path: str | Path, data: bytes | None = None, accept_partial: bool = False) -> Report:
    """Parse the report at *path* (or the bytes *data*, named *path*) or raise ReportError.

    A report that ends early is refused unless *accept_partial*; it is then marked partial.
    """
    return parse_lines(read_lines(path, data), str(path), accept_partial)


def parse_lines(lines: list[Line], path: str, accept_partial: bool = False) -> Report:
    """Parse numbered non-blank lines into a Report."""
    if not lines:
        raise ReportError(path, 0, "file", "empty file: no report to read")
    return layouts.read(lines, path, accept_partial)
