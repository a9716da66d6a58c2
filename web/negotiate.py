"""Read an Accept header the way clients mean it: media types with their weights, parameters set aside.

A JSON-LD client asks for `application/ld+json;profile="…#expanded"` and a SPARQL client for
`application/sparql-results+json;charset=utf-8`; Werkzeug matches an offered type only if the
parameters match too, so both got 406 or a default. Weights (q) are kept; other parameters are
dropped. Parsed headers are remembered, but only short ones: a client chooses the header's text,
and a cache keyed by 200 KB headers grew without bound.
"""

from __future__ import annotations

from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

MEMO_CHARS = 512  # headers up to this long are remembered (browsers send ~100–300 characters)


def plain(header: str) -> MIMEAccept:
    """Return *header* parsed, each media type without its parameters (q kept as the weight)."""
    return _plain(header) if len(header) <= MEMO_CHARS else _parse(header)


@lru_cache(maxsize=256)
def _plain(header: str) -> MIMEAccept:
    return _parse(header)


def _parse(header: str) -> MIMEAccept:
    parsed = parse_accept_header(header, MIMEAccept)
    return MIMEAccept([(value.split(";", 1)[0].strip(), q) for value, q in parsed])


def best(header: str, offered: list[str]) -> str | None:
    """The offered media type the header prefers (the first offered wins ties and */*), or None."""
    return plain(header).best_match(offered)
