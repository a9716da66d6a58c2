"""The `kg` command line: build, remove, query, export, stats, validate, serve.

Exit codes: 0 ok; 1 invalid data (a report or file breaks the shapes, or reasoning finds it inconsistent);
2 bad input or usage (unreadable, empty, binary or non-UTF-8 file, wrong layout, missing section, no store,
another build running, bad option).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kg import constants as C

STORE_OPTION = click.option("--store", "store", type=click.Path(path_type=Path), default=C.DEFAULT_STORE,
                            show_default=True, envvar="KG_STORE", help="Store folder.")


def _fail(message: str, code: int = C.EXIT_USAGE):
    click.echo(f"kg: {message}", err=True)
    sys.exit(code)


def _open(store: Path):
    from kg.store.generations import StoreMissing, open_read_only
    try:
        return open_read_only(store)
    except StoreMissing as exc:
        _fail(str(exc))


# Commands after which the process ends without tearing the interpreter down (see entry()).
QUICK_EXIT = ("build", "remove")


def entry() -> None:
    """Run `kg` (the console script and `python -m kg`).

    After `kg build` or `kg remove` has published (or refused) and said so, Python's own shutdown frees every
    module, cache and the prepared inputs one object at a time: 0.1–0.25 s of the 1 s that adding a report
    takes. By then the store is closed, every file the command wrote is closed and workers are joined, so the
    process flushes its output and ends at once. Other commands, an error's traceback, and `main` called in
    process (the tests' CliRunner) end the usual way.
    """
    try:
        main()
    except SystemExit as exc:
        code = exc.code if exc.code is not None else 0
        if not (isinstance(code, int) and len(sys.argv) > 1 and sys.argv[1] in QUICK_EXIT):
            raise
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            raise exc from None  # a closed or broken pipe: let Python report it as usual
        os._exit(code)


@click.group()
@click.version_option(package_name="cyberdiplo-kg")
def main():
    """Build, query and export the knowledge graph of UN cyber diplomacy reports."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@STORE_OPTION
@click.option("--prune", is_flag=True, help="Drop reports no longer among PATHS.")
@click.option("--keep-going", is_flag=True, help="Publish the good reports even if some are rejected.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, help="Worker processes (default: cores).")
@click.option("--no-infer", is_flag=True, help="Skip OWL RL inference (fewer triples).")
@click.option("--reasoner", type=click.Choice(["compiled", "owlrl"]), default="compiled", show_default=True,
              help="OWL RL by the ontology's compiled rules (milliseconds per report) or by owlrl (the reference, ~1 s).")
@click.option("--validator", type=click.Choice(["compiled", "pyshacl"]), default="compiled", show_default=True,
              help="SHACL by the compiled shapes and checks in pyoxigraph (~0.1 s per report) or by pySHACL (the reference, ~0.8 s).")
@click.option("--endpoint", help="Push to this remote SPARQL query endpoint instead of the embedded store.")
@click.option("--update-endpoint", help="Its SPARQL Update endpoint (default: …/query → …/update).")
@click.option("--accept-partial", is_flag=True,
              help="Build reports that end early (no closing disclaimer, cut mid-sentence), marked partial in the graph.")
@click.option("--allow-duplicate-meetings", is_flag=True,
              help="Keep two reports of the same meeting (same process, session, meeting number, date and part).")
def build(paths, store, prune, keep_going, jobs, no_infer, reasoner, validator, endpoint, update_endpoint, accept_partial,
          allow_duplicate_meetings):
    """Convert report files or folders into the store; all or nothing unless --keep-going."""
    from kg.store.build import BuildInputError
    from kg.store.build import build as run
    from kg.store.generations import StoreBusy, StoreUnwritable
    bar = {}

    def announce(n):
        if n and sys.stderr.isatty():
            bar["b"] = click.progressbar(length=n, label="Converting reports", file=sys.stderr)
            bar["b"].__enter__()

    def tick(r):
        if "b" in bar:
            bar["b"].update(1)

    from kg.store.remote import RemoteError, RemoteStore
    remote = RemoteStore(endpoint, update_endpoint) if endpoint else None
    try:
        result = run(paths, store, prune=prune, keep_going=keep_going, jobs=jobs, infer=not no_infer,
                     tick=tick, announce=announce, endpoint=remote, allow_duplicate_meetings=allow_duplicate_meetings,
                     accept_partial=accept_partial, reasoner=reasoner, validator=validator,
                     notice=lambda m: click.echo(f"kg: {m}", err=True))
    except BuildInputError as exc:
        _fail(str(exc))
    except RemoteError as exc:
        _fail(f"remote store: {exc}")
    except (StoreBusy, StoreUnwritable) as exc:
        _fail(str(exc))
    except OSError as exc:  # the store's disk went read-only or full mid-build; the previous generation is intact
        _fail(f"cannot write the store at {store}: {exc.strerror or exc}")
    finally:
        if "b" in bar:
            bar["b"].__exit__(None, None, None)
    for r in result.rejected:
        click.echo(f"kg: rejected {r.error}", err=True)
    rows = [f"{'report':60} {'status':9} {'asserted':>9} {'inferred':>9}"]
    rows += [f"{Path(r.path).name[:60]:60} {'built':9} {r.asserted:9} {r.inferred:9}" for r in result.built]
    rows += [f"{os.path.basename(p)[:60]:60} {'unchanged':9} {'':9} {'':9}" for p in result.skipped]
    rows += [f"{g.rsplit('/', 1)[-1][:60]:60} {'removed':9} {'':9} {'':9}" for g in result.removed]
    rows += [f"{Path(r.path).name[:60]:60} {'REJECTED':9} {'':9} {'':9}" for r in result.rejected]
    click.echo("\n".join(rows))  # one write: a line at a time cost 0.09 s for a 10,000-report corpus
    state = "published" if result.published else ("unchanged (nothing published)" if result.rejected
                                                     else "already up to date")
    click.echo(f"{len(result.built)} built, {len(result.skipped)} unchanged, {len(result.removed)} removed, "
               f"{len(result.rejected)} rejected; store {store} {state}"
               + (f", {result.triples} quads of reports written" if result.published else ""))
    sys.exit(result.exit_code)


@main.command()
@click.argument("names", nargs=-1, required=True)
@STORE_OPTION
def remove(names, store):
    """Drop reports (by file name or graph IRI) from the store."""
    from kg.store.build import remove as run
    gone = run(names, store)
    if not gone:
        _fail("no report in the store has those names")
    click.echo("\n".join(f"removed {g}" for g in gone))


@main.command()
@click.argument("sparql")
@STORE_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 86400),
              help="Seconds before the query is stopped (exit 2), as the endpoint's deadline.")
@click.option("--allow-network", is_flag=True,
              help="Run the query even where its process cannot be cut off from the network (the gate alone).")
def query(sparql, store, fmt, timeout, allow_network):
    """Run a SPARQL query (text, @file or - for stdin) over all graphs of the store."""
    from kg.query.run import NoIsolation, QueryRefused, QueryTimeout, run
    from kg.store.generations import current_path
    if sparql == "-":
        sparql = sys.stdin.read()
    elif sparql.startswith("@"):
        try:
            sparql = Path(sparql[1:]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            _fail(f"{sparql[1:]}: cannot read the query: {getattr(exc, 'strerror', None) or exc}")
    _open(store)  # a clear message when there is no store
    try:
        out, note = run(str(current_path(store)), sparql, fmt, timeout, allow_network)
    except SyntaxError as exc:
        _fail(f"SPARQL syntax error: {exc}")
    except QueryRefused as exc:
        _fail(f"refused: {exc}")
    except (QueryTimeout, NoIsolation) as exc:
        _fail(str(exc))
    except RuntimeError as exc:
        _fail(f"query failed: {exc}", C.EXIT_INVALID)
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()
    if note:
        click.echo(note, err=True)
    from kg.query.unknown_terms import unknown
    for warning in unknown(sparql):
        click.echo(f"kg: warning: {warning}", err=True)


@main.command()
@STORE_OPTION
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nquads", "ntriples", "jsonld"]),
              default="turtle", show_default=True)
@click.option("--graph", help="One meeting: its slug (2025-07-10-…), event IRI or named graph IRI.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout).")
def export(store, fmt, graph, output):
    """Write the graph (or one meeting's named graph) as Turtle, TriG, N-Quads, N-Triples or JSON-LD."""
    from kg.export import export as run
    st = _open(store)
    graph_iri = None
    if graph:
        slug = graph.rstrip("/").rsplit("/", 1)[-1]
        graph_iri = C.DATA_NS + "graph/" + slug
        import pyoxigraph as ox
        if not st.contains_named_graph(ox.NamedNode(graph_iri)):
            _fail(f"no meeting graph {graph_iri} in the store")
    from kg.store.generations import current_path
    folder = current_path(Path(store))
    if output:
        with open(output, "wb") as out:
            run(st, out, fmt, graph_iri, folder)
    else:
        run(st, sys.stdout.buffer, fmt, graph_iri, folder)
        sys.stdout.buffer.flush()


@main.command()
@STORE_OPTION
def stats(store):
    """Print counts of reports, meetings, states, arguments, positions and quads."""
    st = _open(store)
    q = """SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <%s> }"""
    click.echo(f"{'quads':14} {len(st)}")
    click.echo(f"{'named graphs':14} {sum(1 for _ in st.named_graphs())}")
    for label, cls in (("reports", "Report"), ("events", "Event"), ("states", "State"), ("persons", "Person"),
                       ("participations", "Participation"), ("arguments", "Argument"), ("positions", "Position"),
                       ("findings", "Finding")):
        n = next(iter(st.query(q % (C.ONTOLOGY_NS + cls), use_default_graph_as_union=True)))["n"].value
        click.echo(f"{label:14} {n}")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@STORE_OPTION
def validate(files, store):
    """Validate Turtle FILES (or, with none, every report graph in the store) against the shapes."""
    from rdflib import Graph

    from kg.check.validate import validate_graph
    graphs = []
    if files:
        for f in files:
            g = Graph()
            try:
                g.parse(f, format="turtle")
            except Exception as exc:  # rdflib raises many unrelated kinds (ParserError, UnicodeDecodeError, OSError…)
                _fail(f"{f}: cannot read as Turtle: {str(exc).splitlines()[0][:300]}")
            graphs.append((str(f), g))
    else:
        import pyoxigraph as ox

        from kg.store.generations import report_index
        st = _open(store)
        for gname in sorted(report_index(st)):
            data = st.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(gname))
            graphs.append((gname, Graph().parse(data=data.decode(), format="nt")))
    bad = 0
    for name, g in graphs:
        outcome = validate_graph(g)
        status = "conforms" if outcome.conforms else "DOES NOT CONFORM"
        click.echo(f"{name}: {status} ({len(outcome.violations)} violations, "
                   f"{len(outcome.problems) - len(outcome.violations)} warnings)")
        if outcome.problems:
            click.echo(outcome.text())
        bad += not outcome.conforms
    sys.exit(C.EXIT_INVALID if bad else C.EXIT_OK)


@main.command()
@STORE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Threads for pages (query workers get threads of their own on top).")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 64), help="SPARQL query worker processes.")
@click.option("--timeout", "query_timeout", default=10.0, show_default=True, help="Seconds per SPARQL query.")
@click.option("--connection-limit", default=10_000, show_default=True, type=click.IntRange(10, 100_000),
              help="Open connections at most (idle ones count); lowered to what the open-file limit allows.")
@click.option("--per-address", "per_address", default=64, show_default=True, type=click.IntRange(0, 100_000),
              help="Open connections one client address may hold (0: no cap; raise it behind a reverse proxy).")
@click.option("--idle-timeout", default=15, show_default=True, type=click.IntRange(1, 3600),
              help="Seconds before an idle connection is closed.")
@click.option("--request-timeout", default=10, show_default=True, type=click.IntRange(1, 3600),
              help="Seconds a request's head and body may take to arrive, however the bytes are spaced.")
@click.option("--endpoint", help="Serve a remote SPARQL query endpoint instead of the embedded store.")
@click.option("--allow-network", is_flag=True,
              help="Start even where the query workers cannot be cut off from the network (the gate alone).")
def serve(store, host, port, threads, workers, query_timeout, connection_limit, per_address, idle_timeout,
          request_timeout, endpoint, allow_network):
    """Serve the web front end and SPARQL endpoint with waitress (a production WSGI server).

    Behind a reverse proxy (nginx, Caddy), let the proxy buffer slow clients and keep --host 127.0.0.1.
    """
    import socket

    from kg.store.generations import current_path
    from web import create_app, db
    from web.server import serve as run
    if current_path(store) is None and not endpoint:
        _fail(f"no store at {store}: run `kg build` first (or pass --store)")
    probe = socket.socket()
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}; is another server running there? "
              f"(pick another with --port)")
    finally:
        probe.close()
    app = create_app({"STORE": str(store), "QUERY_TIMEOUT": query_timeout, "ENDPOINT": endpoint,
                      "QUERY_WORKERS": workers})
    with app.app_context():
        ex = db.executor()
        if endpoint:
            isolated, why = False, ("queries run on the remote server, whose network this process cannot cut off: "
                                    "make sure the server itself cannot make outbound requests (and set its own query "
                                    "timeout; see docs/architecture.md)")
        else:
            ex.ready.wait(60)
            isolated, why = bool(ex.isolated), (
                "the query workers could not be cut off from the network on this system (no network namespaces: "
                "a container's seccomp profile, or an old kernel; in Docker, `--cap-add SYS_ADMIN` or "
                "`--security-opt seccomp=unconfined` allows them)")
        if not isolated:
            if not allow_network:
                ex.close()
                _fail(f"{why}. The gate refuses SERVICE and LOAD, but there would be no second line of defence; "
                      f"pass --allow-network to serve anyway.")
            click.echo(f"kg: WARNING: {why}; serving with the gate alone (--allow-network).", err=True)
    click.echo(f"Serving {endpoint or store} on http://{host}:{port}/ (SPARQL at /sparql); Ctrl-C to stop", err=True)
    run(app, host=host, port=port, threads=threads + workers, connection_limit=connection_limit,
        idle_timeout=idle_timeout, request_timeout=request_timeout, per_address=per_address)


if __name__ == "__main__":
    main()
