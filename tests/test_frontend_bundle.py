"""The committed front-end bundle matches its manifest: every pinned package is in the licence file
at its pinned version, and the app references only its own copy (the app works offline)."""

from __future__ import annotations

import json
import re
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"


def test_every_pinned_package_is_recorded_with_its_version_and_licence():
    pins = json.loads((WEB / "frontend" / "package.json").read_text())["devDependencies"]
    recorded = dict(re.findall(r"^== (@?[^@\s]+)@(\S+) \(", (WEB / "static" / "vendor" / "ui.js.LICENSES.txt").read_text(), re.M))
    for name, version in pins.items():
        if name != "esbuild":  # the bundler is not in the bundle
            assert recorded.get(name) == version, name
    lock = json.loads((WEB / "frontend" / "package-lock.json").read_text())["packages"]
    for name, version in recorded.items():  # and what was bundled is what the lock file says
        assert lock[f"node_modules/{name}"]["version"] == version, name


def test_pages_load_scripts_and_styles_only_from_the_app():
    base = (WEB / "templates" / "base.html").read_text()
    assert re.findall(r'<script[^>]*src="([^"]+)"', base) == ["{{ url_for('static', filename='vendor/ui.js') }}"]
    assert "http" not in "".join(re.findall(r'<(?:script|link)[^>]*>', base))
    bundle = (WEB / "static" / "vendor" / "ui.js").read_text()
    assert not re.search(r"""(?:fetch|import)\(\s*["'`]https?:""", bundle)  # nothing fetched from elsewhere
