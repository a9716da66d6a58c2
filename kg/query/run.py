"""Run one SPARQL query for `kg query` in a child process that is killed at a deadline.

pyoxigraph cannot stop a running query; a spawned child can be killed. The child leaves the network
(a network namespace of its own, as the endpoint's workers do; without one it refuses to run unless
--allow-network), then passes the query through the endpoint's gate (kg/query/gate.py: pyoxigraph would send SERVICE's requests out, and LOAD and
updates have no place in a read-only command), then renders the answer (table, CSV, TSV, JSON, Turtle
or a boolean) and sends the bytes back.
"""

from __future__ import annotations

import multiprocessing as mp
import os

from kg import constants as C


class QueryTimeout(Exception):
    """The query ran past its deadline and was stopped."""


class QueryRefused(Exception):
    """The query may never run here: SERVICE (outbound requests), LOAD or an update (kg/query/gate.py)."""


class NoIsolation(Exception):
    """The query's process could not be cut off from the network, and the user did not allow it."""


NO_ISOLATION = ("the query process could not be cut off from the network on this system (no network namespaces: "
                "a container's seccomp profile, or an old kernel); pass --allow-network to run it with the gate "
                "alone (in Docker, `--cap-add SYS_ADMIN` or `--security-opt seccomp=unconfined` allows namespaces)")


def render(store_path: str, sparql: str, fmt: str) -> tuple[bytes, str]:
    """Run *sparql* on the store at *store_path*; return (output bytes, a note for stderr). Raises SyntaxError."""
    import pyoxigraph as ox
    st = ox.Store.read_only(store_path)
    results = st.query(sparql, use_default_graph_as_union=True, prefixes=C.PREFIXES)
    if isinstance(results, (bool, ox.QueryBoolean)):
        return (b"true\n" if bool(results) else b"false\n"), ""
    if isinstance(results, ox.QueryTriples):
        return results.serialize(format=ox.RdfFormat.TURTLE) or b"", ""
    if fmt != "table":
        from kg.query.cells import defuse_csv, defuse_tsv
        rf = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}[fmt]
        body = results.serialize(format=rf) or b""
        return (defuse_csv(body) if fmt == "csv" else defuse_tsv(body) if fmt == "tsv" else body), ""
    names = [v.value for v in results.variables]
    rows = [[_cell(sol[n]) for n in names] for sol in results]
    widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths)), "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c[:w].ljust(w) for c, w in zip(r, widths)) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8"), f"({len(rows)} rows)"


def _cell(term) -> str:
    if term is None:
        return ""
    v = term.value
    for prefix, ns in C.PREFIXES.items():
        if type(term).__name__ == "NamedNode" and v.startswith(ns):
            return f"{prefix}:{v[len(ns):]}"
    return v.replace("\n", " ")


def _child(conn, store_path: str, sparql: str, fmt: str, parent: int, allow_network: bool) -> None:
    from kg.procs import die_with_parent, isolate_network
    from kg.query import gate
    die_with_parent(parent)
    # The endpoint's workers' sandbox: no network, so even a query the gate misread reaches nothing.
    if not isolate_network() and not allow_network:
        conn.send(("isolation", NO_ISOLATION, ""))
        return
    try:
        gate.check(sparql, C.PREFIXES)  # pyoxigraph would fetch what SERVICE names: refused as the endpoint refuses it
        gate.confirm(sparql, C.PREFIXES)
        conn.send(("ok",) + render(store_path, sparql, fmt))
    except gate.Refused as exc:
        where = f" (line {exc.line}, column {exc.column})" if exc.line else ""
        conn.send(("refused" if exc.status == 403 else "syntax", exc.message + where, ""))
    except SyntaxError as exc:
        conn.send(("syntax", str(exc), ""))
    except Exception as exc:  # an evaluation error is the query's, not ours
        conn.send(("failed", str(exc), ""))


def run(store_path: str, sparql: str, fmt: str, timeout: float, allow_network: bool = False) -> tuple[bytes, str]:
    """Render *sparql* in a child process without network; raise QueryTimeout past *timeout* s, QueryRefused,
    NoIsolation (the child could not drop the network and *allow_network* is false), SyntaxError or RuntimeError."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, store_path, sparql, fmt, os.getpid(), allow_network), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped (raise it with --timeout)")
        status, out, note = parent.recv()
    except EOFError:
        raise RuntimeError("the query process died (out of memory?)") from None
    finally:
        proc.kill()
        proc.join(5)
    if status == "syntax":
        raise SyntaxError(out)
    if status == "refused":
        raise QueryRefused(out)
    if status == "isolation":
        raise NoIsolation(out)
    if status == "failed":
        raise RuntimeError(out)
    return out, note
