"""WSGI applications for `make bench`, served by gunicorn with the portal's own settings.

``uncached()``: the portal with its page cache bypassed, so every page is rendered as on a
cache miss. ``bare()``: no Django at all, the recorded bytes and headers of the pages by path,
which is what this server can do at best on this machine (the ceiling).
"""

import json
import os
from pathlib import Path

BARE_PAGES = "BENCH_BARE_PAGES"


def uncached():
    from portal import pagecache
    from portal.wsgi import application

    pagecache.cacheable_request = lambda request: False
    return application


def save_pages(directory, pages):
    """Record pages for ``bare``: ``pages`` maps a path (with its query) to (headers, body)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    index = {}
    for number, (path, (headers, body)) in enumerate(pages.items()):
        name = f"page-{number}.html"
        (directory / name).write_bytes(body)
        index[path] = {"headers": headers, "file": name}
    (directory / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1))


def bare():
    directory = Path(os.environ[BARE_PAGES])
    index = json.loads((directory / "index.json").read_text())
    pages = {
        path: (
            [(name, value) for name, value in entry["headers"]],
            (directory / entry["file"]).read_bytes(),
        )
        for path, entry in index.items()
    }
    healthz = ([("Content-Type", "application/json")], b'{"status": "ok"}')

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        headers, body = pages.get(path, healthz)
        start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    return application
