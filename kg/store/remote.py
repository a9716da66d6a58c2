"""A remote SPARQL 1.1 store with the slice of pyoxigraph's Store API that the project uses.

`kg build --endpoint` writes through SPARQL 1.1 Update (one request per report graph: DROP SILENT
GRAPH then INSERT DATA, which the server applies atomically); `kg serve --endpoint` reads through
the SPARQL 1.1 Protocol. Results are parsed with pyoxigraph, so callers get the same term and
solution objects as from an embedded Store. The server must treat its default graph as the union
of the named graphs (Oxigraph: `serve --union-default-graph`; Fuseki: `tdb2:unionDefaultGraph true`;
Virtuoso does so by default).
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Iterator

import pyoxigraph as ox


class RemoteError(Exception):
    """The endpoint could not be reached or refused a request."""


class RemoteTimeout(RemoteError):
    """The endpoint did not answer in time."""


def _prefixes(prefixes: dict | None) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or {}).items())


class RemoteStore:
    """Read and write a store behind SPARQL query and update endpoints."""

    def __init__(self, query_url: str, update_url: str | None = None, timeout: float = 60.0):
        self.query_url = query_url
        self.update_url = update_url or (query_url[: -len("/query")] + "/update" if query_url.endswith("/query") else query_url)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    # -- transport -------------------------------------------------------------------------
    def _post(self, url: str, body: str, ctype: str, accept: str, timeout: float | None = None,
              max_bytes: int = 512 * 1024 * 1024, params: list[tuple[str, str]] | None = None) -> bytes:
        """POST and read the whole answer before a deadline (a cut-off body is never returned as data)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        req = urllib.request.Request(url, data=body.encode("utf-8"), method="POST",
                                     headers={"Content-Type": ctype, "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                chunks, size = [], 0
                while chunk := resp.read(65536):
                    chunks.append(chunk)
                    size += len(chunk)
                    if time.monotonic() > deadline:
                        raise RemoteTimeout(f"{url} did not finish answering within {timeout or self.timeout:g} s")
                    if size > max_bytes:
                        raise RemoteError(f"{url} answered more than {max_bytes} bytes")
                return b"".join(chunks)
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace")
            raise RemoteError(f"{url} answered {exc.code}: {detail.strip()[:500]}") from None
        except TimeoutError:
            raise RemoteTimeout(f"{url} did not answer within {timeout or self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise RemoteTimeout(f"{url} did not answer within {timeout or self.timeout:g} s") from None
            raise RemoteError(f"cannot reach {url}: {exc.reason}") from None

    # -- the Store API the project uses ------------------------------------------------------
    def query(self, sparql: str, use_default_graph_as_union: bool = True, prefixes: dict | None = None,
              timeout: float | None = None, default_graphs=None, named_graphs=None, **_):
        """Run a query; return pyoxigraph QuerySolutions, QueryBoolean or a list of Triples.

        *default_graphs* / *named_graphs* go to the server as the protocol's default-graph-uri /
        named-graph-uri (the server then answers over those of its graphs only)."""
        text = _prefixes(prefixes) + sparql
        form = _form(text)
        params = [("default-graph-uri", g) for g in default_graphs or ()] + \
            [("named-graph-uri", g) for g in named_graphs or ()]
        if form in ("CONSTRUCT", "DESCRIBE"):
            body = self._post(self.query_url, text, "application/sparql-query", "application/n-triples", timeout,
                              params=params)
            return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        body = self._post(self.query_url, text, "application/sparql-query", "application/sparql-results+json", timeout,
                          params=params)
        try:
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            raise RemoteError(f"unreadable results from {self.query_url}: {exc}") from None

    def update(self, sparql: str, timeout: float | None = None) -> None:
        self._post(self.update_url, sparql, "application/sparql-update", "*/*", timeout)

    def quads_for_pattern(self, s=None, p=None, o=None, g=None) -> Iterator[ox.Quad]:
        values = "".join(f"VALUES ?{n} {{ {t} }} " for n, t in (("s", s), ("p", p), ("o", o), ("g", g))
                         if t is not None and not isinstance(t, ox.DefaultGraph))
        q = f"SELECT ?s ?p ?o ?g WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} }}"
        for row in self.query(q):
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def __len__(self) -> int:
        row = next(iter(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))
        return int(row["n"].value)

    def contains_named_graph(self, g: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {g} {{ ?s ?p ?o }} }}"))

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        for row in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            yield row["g"]

    def replace_graphs(self, graphs: dict[str, bytes]) -> None:
        """Replace several named graphs (a report's and its entailments') in one update request."""
        nodes = {str(ox.NamedNode(g)): nt.decode("utf-8") for g, nt in graphs.items()}
        steps = [f"DROP SILENT GRAPH {n}" for n in nodes]
        body = "\n".join(f"GRAPH {n} {{\n{nt}\n}}" for n, nt in nodes.items() if nt.strip())
        if body:
            steps.append(f"INSERT DATA {{ {body} }}")
        self.update(" ;\n".join(steps), timeout=max(self.timeout, 300))

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")


def _form(text: str) -> str:
    """Guess a query's form from its first keyword after the prologue (the server parses it for real)."""
    body = re.sub(r"(?im)^\s*(PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>|#.*)$", "", text)
    m = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.I)
    return m.group(1).upper() if m else "SELECT"

