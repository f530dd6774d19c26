"""The built bundle: hashed names from vite's manifest, pre-compressed copies,
and cache headers.

vite writes one ``<entry>.<hash>.js``/``.css`` per entry (``cap-ui``, the
app; ``api-docs``, the API documentation page), the chunks they share and
``.vite/manifest.json`` (see ``ui/vite.config.js``); templates ask for the
logical names (``cap-ui.js``, ``api-docs.css``) and get the current hashed URL.
A hashed file never changes under its name, so it is cached for a year as
``immutable``; other files of the folder (``favicon.svg``, copied as is) are
revalidated (``no-cache``, with their ETag). Each built file has ``.br`` and
``.gz`` copies made at build time, sent with ``Content-Encoding`` to browsers that accept them.
"""

import json
import mimetypes
import os

from flask import abort, request, send_from_directory
from werkzeug.security import safe_join

MANIFEST = os.path.join(".vite", "manifest.json")
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
"""Content codings we have copies for, best first."""
IMMUTABLE = "public, max-age=31536000, immutable"


class BundleManifest:
    """Logical names -> hashed file names of one build, read again after a rebuild."""

    def __init__(self, folder):
        """Read the manifest of ``folder`` when first asked."""
        self.folder = folder
        self._stamp = None
        self.names = {}
        self.hashed = frozenset()

    def _load(self):
        path = os.path.join(self.folder, MANIFEST)
        try:
            stamp = os.stat(path).st_mtime_ns
        except OSError:
            stamp = None
        if stamp == self._stamp:
            return
        names, hashed = {}, set()
        if stamp is not None:
            with open(path, encoding="utf-8") as fp:
                entries = json.load(fp)
            for entry in entries.values():
                hashed.add(entry["file"])
                hashed.update(entry.get("css", ()))
                if entry.get("isEntry"):
                    name = entry.get("name", "cap-ui")
                    names[f"{name}.js"] = entry["file"]
                    for css in entry.get("css", ()):
                        names[f"{name}.css"] = css
                elif entry["file"].endswith(".css"):
                    names["cap-ui.css"] = entry["file"]
        self.names, self.hashed, self._stamp = names, frozenset(hashed), stamp

    def file_name(self, name):
        """The file of logical ``name`` in the current build (``name`` itself if not built)."""
        self._load()
        return self.names.get(name, name)

    def is_hashed(self, file_name):
        """Whether ``file_name`` is a content-hashed file of the current build."""
        self._load()
        return file_name in self.hashed


def accepted_encodings():
    """The content codings the request accepts (``q=0`` excluded)."""
    return {coding for coding, _ in ENCODINGS if request.accept_encodings[coding] > 0}


def serve_bundle_file(manifest, filename):
    """A file of the bundle folder, pre-compressed when the browser takes it."""
    folder = manifest.folder
    path = safe_join(folder, filename)
    if path is None or not os.path.isfile(path) or filename.startswith(".vite/"):
        abort(404)
    accepted = accepted_encodings()
    coding = next(
        (c for c, suffix in ENCODINGS if c in accepted and os.path.isfile(path + suffix)), None
    )
    hashed = manifest.is_hashed(filename)
    if coding:
        suffix = dict(ENCODINGS)[coding]
        response = send_from_directory(
            folder, filename + suffix, conditional=True,
            mimetype=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        )
        response.headers["Content-Encoding"] = coding
    else:
        response = send_from_directory(folder, filename, conditional=True)
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = IMMUTABLE if hashed else "no-cache"
    return response


def html_no_cache(response):
    """``after_app_request`` of the UI app: HTML names the current bundle, so it is
    revalidated every time (never served stale from a cache)."""
    if response.mimetype == "text/html" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-cache"
    return response


def bundle_folder(app):
    """The folder of the built bundle."""
    static = os.path.join(os.path.dirname(__file__), "static")
    return os.path.join(static, app.config["CAP_UI_BUNDLE_DIR"])
