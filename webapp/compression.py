"""Light pages for slow connections: gzip for text responses, and far-future caching of static
files whose URL names their content (static_url adds ?v=<hash>)."""
import gzip
import hashlib
from functools import lru_cache

from flask import current_app, request, url_for

COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "text/calendar",
                "application/json", "image/svg+xml", "text/plain"}
MIN_SIZE = 500
ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=64)
def _content_hash(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:10]


def static_url(filename: str) -> str:
    """The URL of a static file, versioned by its content so browsers may keep it for a year."""
    version = _content_hash(f"{current_app.static_folder}/{filename}")
    return url_for("static", filename=filename, v=version)


_gzipped_static: dict = {}  # (path, etag) -> compressed bytes: static files are compressed once


def _gzip_static(path: str, etag: str, data: bytes) -> bytes:
    key = (path, etag)
    if key not in _gzipped_static:
        _gzipped_static[key] = gzip.compress(data, 6)
    return _gzipped_static[key]


def finish(response):
    """After each request: cache headers for versioned static files, then gzip when it pays."""
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    if (response.status_code != 200 or "gzip" not in request.headers.get("Accept-Encoding", "")
            or response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    if request.endpoint == "static":
        body = _gzip_static(request.path, response.headers.get("ETag", ""), data)
    else:
        body = gzip.compress(data, 6)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(body))
    response.vary.add("Accept-Encoding")
    return response
