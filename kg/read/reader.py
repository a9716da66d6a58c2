"""Read a report file into clean numbered lines, refusing what is not a UTF-8 text report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.constants import MAX_LINE_CHARS, MAX_REPORT_BYTES

# C0 controls but tab and newline, DEL, C1 controls, and non-characters: rdflib would write a raw
# NUL into Turtle, and none of these carry meaning in a report.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class ReportError(Exception):
    """Bad input: names the file, the 1-based line (0 for the whole file) and the report section."""

    def __init__(self, path: str | Path, line: int, section: str, message: str):
        super().__init__(f"{path}:{line}: [{section}] {message}")
        self.path, self.line, self.section, self.message = str(path), line, section, message


@dataclass(frozen=True)
class Line:
    """One non-blank line of a report: its 1-based number and its cleaned text."""

    no: int
    text: str


def clean_text(text: str) -> str:
    """Strip controls (keep tab and newline), lone surrogates and trailing spaces from *text*."""
    text = _SURROGATE.sub("", text)
    text = _CONTROL.sub("", text)
    return text


def decode(data: bytes, path: str | Path) -> str:
    """Decode report bytes as UTF-8 (a BOM is allowed) with normalised newlines, or raise ReportError."""
    if not data.strip():
        raise ReportError(path, 0, "file", "empty file: no report to read")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ReportError(path, 1, "file", "UTF-16 text; convert the report to UTF-8")
    if data.count(b"\x00") > max(8, len(data) // 1000):
        raise ReportError(path, 1 + data[: data.index(b"\x00")].count(b"\n"), "file",
                          "binary data (NUL bytes); not a text report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = 1 + data[: exc.start].count(b"\n")
        raise ReportError(path, line, "file", f"not UTF-8: invalid byte 0x{data[exc.start]:02x} at offset {exc.start}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def too_large(size: int) -> str:
    """The message for a report over the size cap: its size, the cap, and why there is one."""
    return (f"{size:,} bytes ({size / 2**20:.2f} MiB) is over the cap of {MAX_REPORT_BYTES:,} bytes "
            f"({MAX_REPORT_BYTES / 2**20:g} MiB) for one report (at worst a build needs ~1 KB of memory per byte of "
            f"report; real reports are 130-150 KB)")


def read_lines(path: str | Path, data: bytes | None = None) -> list[Line]:
    """Return the non-blank, cleaned lines of the report at *path* (or of *data*), numbered from 1."""
    path = Path(path)
    if data is None:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise ReportError(path, 0, "file", too_large(size))
        data = path.read_bytes()
    elif len(data) > MAX_REPORT_BYTES:
        raise ReportError(path, 0, "file", too_large(len(data)))
    out: list[Line] = []
    for no, raw in enumerate(decode(data, path).split("\n"), start=1):
        if len(raw) > MAX_LINE_CHARS:
            raise ReportError(path, no, "file", f"line of {len(raw)} characters is over the {MAX_LINE_CHARS} cap")
        text = clean_text(raw).strip()
        if text:
            out.append(Line(no, text))
    return out
