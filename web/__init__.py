"""The web front end: a SPARQL endpoint and query page, a linked-data browser, and exports."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template, request

from kg import constants as C


def create_app(config: dict | None = None) -> Flask:
    """Create the app; *config* overrides the defaults below (tests pass STORE and limits)."""
    app = Flask(__name__)
    app.config.from_mapping(
        STORE=str(C.DEFAULT_STORE),
        ENDPOINT=None,               # a remote SPARQL query endpoint to serve instead of the embedded store
        REMOTE_CACHE_SECONDS=60,     # how long pages and canned answers of a remote store are kept
        QUERY_TIMEOUT=10.0,          # seconds of wall clock per user query
        CANNED_TIMEOUT=120.0,        # per canned query (web/queries), whose answers are kept per generation
        ROW_CAP=10_000,              # rows (or triples) returned at most, with a "truncated" flag
        BYTE_CAP=16 << 20,           # ... and about this many bytes of values
        QUERY_MEMORY=1 << 30,        # RLIMIT_DATA of a query worker: a query needing more is stopped
        MAX_QUERY_BYTES=32_768,      # a longer query is refused with 413 (414 in a URL); canned ones are < 2 KB
        MAX_CONTENT_LENGTH=256_000,  # request bodies
        PER_CLIENT=2,                # concurrent queries per client address, beyond: 429
        RENDERS_PER_CLIENT=3,        # pages being made (not yet cached) at once per client address, beyond: 429
        QUERY_WORKERS=4,             # a client can hold at most PER_CLIENT of them: others always find one
        ISOLATE_WORKERS=True,
        PAGE_SIZE=50,
    )
    if config:
        app.config.update(config)
    app.config["STORE"] = str(Path(app.config["STORE"]))

    from . import browse, export, security, sparql
    security.install(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(export.bp)
    app.add_url_rule("/.well-known/void", "void", export.well_known_void)

    @app.route("/context.jsonld")
    def context():
        import json

        from kg.export import jsonld_context
        return app.response_class(json.dumps(jsonld_context(), indent=1), mimetype="application/ld+json")

    @app.route("/favicon.ico")
    def favicon():
        return app.send_static_file("favicon.svg"), 200, {"Content-Type": "image/svg+xml"}

    @app.errorhandler(404)
    def not_found(e):
        return render_template("not_found.html", message=getattr(e, "description", "")), 404

    @app.errorhandler(413)
    def too_large(e):
        if request.path == "/sparql":  # a protocol client expects JSON, never an HTML page
            from .sparql import _error
            return _error(413, "request too large")
        return render_template("error.html", message="The request is too large."), 413

    @app.errorhandler(500)
    def server_error(e):
        return render_template("error.html", message="Something went wrong on our side."), 500

    return app
