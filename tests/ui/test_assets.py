"""The bundle: content-hashed names from vite's manifest, pre-compressed
copies sent by Accept-Encoding, year-long caching for hashed files only, HTML
always revalidated."""

import gzip
import json
import re
from pathlib import Path

from cap.modules.ui.assets import BundleManifest, bundle_folder


def bundle_names(app):
    manifest = json.loads((Path(bundle_folder(app)) / ".vite" / "manifest.json").read_text())
    entry = next(e for e in manifest.values() if e.get("isEntry") and e["name"] == "cap-ui")
    css = entry.get("css") or [e["file"] for e in manifest.values() if e["file"].endswith(".css")]
    return entry["file"], css[0]


def test_pages_name_the_hashed_files_and_are_not_cached(app, client):
    js, css = bundle_names(app)
    assert re.fullmatch(r"cap-ui\.[\w-]+\.js", js) and re.fullmatch(r"cap-ui\.[\w-]+\.css", css)
    page = client.get("/login/")
    body = page.get_data(as_text=True)
    assert f'src="/assets/cap-ui/dist/{js}"' in body
    assert f'href="/assets/cap-ui/dist/{css}"' in body
    assert page.headers["Cache-Control"] == "no-cache"


def test_hashed_files_are_compressed_and_immutable(app, client):
    js, css = bundle_names(app)
    folder = Path(bundle_folder(app))
    for name in (js, css):
        plain = (folder / name).read_bytes()
        url = f"/assets/cap-ui/dist/{name}"
        br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert br.status_code == 200
        assert br.headers["Content-Encoding"] == "br"
        assert br.data == (folder / f"{name}.br").read_bytes()
        assert len(br.data) < len(plain) / 2
        assert br.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Accept-Encoding" in br.headers["Vary"]
        assert br.mimetype == ("text/javascript" if name.endswith(".js") else "text/css")
        gz = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == plain
        refused = client.get(url, headers={"Accept-Encoding": "br;q=0, gzip;q=0"})
        assert "Content-Encoding" not in refused.headers and refused.data == plain
        none = client.get(url)
        assert "Content-Encoding" not in none.headers and none.data == plain
        assert none.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        again = client.get(url, headers={"Accept-Encoding": "br",
                                         "If-None-Match": br.headers["ETag"]})
        assert again.status_code == 304


def test_unhashed_files_revalidate_and_the_manifest_is_not_served(client):
    favicon = client.get("/assets/cap-ui/dist/favicon.svg")
    assert favicon.status_code == 200 and favicon.headers["Cache-Control"] == "no-cache"
    assert client.get("/assets/cap-ui/dist/.vite/manifest.json").status_code == 404
    assert client.get("/assets/cap-ui/dist/../assets.py").status_code == 404
    assert client.get("/assets/cap-ui/dist/cap-ui.nope.js").status_code == 404


def test_a_rebuild_is_picked_up(tmp_path):
    manifest = BundleManifest(str(tmp_path))
    assert manifest.file_name("cap-ui.js") == "cap-ui.js"  # not built: the plain name
    (tmp_path / ".vite").mkdir()
    path = tmp_path / ".vite" / "manifest.json"
    path.write_text(json.dumps({"src/main.jsx": {"file": "cap-ui.aaa.js", "isEntry": True},
                                "style.css": {"file": "cap-ui.bbb.css"}}))
    assert manifest.file_name("cap-ui.js") == "cap-ui.aaa.js"
    assert manifest.file_name("cap-ui.css") == "cap-ui.bbb.css"
    assert manifest.is_hashed("cap-ui.aaa.js") and not manifest.is_hashed("favicon.svg")
    path.write_text(json.dumps({"src/main.jsx": {"file": "cap-ui.ccc.js", "isEntry": True,
                                                 "css": ["cap-ui.ddd.css"]}}))
    import os

    os.utime(path, ns=(1, 1))  # another build, whatever the clock's resolution
    assert manifest.file_name("cap-ui.js") == "cap-ui.ccc.js"
    assert manifest.file_name("cap-ui.css") == "cap-ui.ddd.css"
    assert not manifest.is_hashed("cap-ui.aaa.js")


def test_each_entry_has_its_own_names(tmp_path):
    """The app and the API docs page are two entries; the chunk they share is hashed too."""
    (tmp_path / ".vite").mkdir()
    (tmp_path / ".vite" / "manifest.json").write_text(json.dumps({
        "_shared.ccc.js": {"file": "cap-ui-shared.ccc.js", "name": "shared"},
        "src/main.jsx": {"file": "cap-ui.aaa.js", "name": "cap-ui", "isEntry": True,
                         "imports": ["_shared.ccc.js"], "css": ["cap-ui.bbb.css"]},
        "src/apidocs.js": {"file": "api-docs.ddd.js", "name": "api-docs", "isEntry": True,
                           "imports": ["_shared.ccc.js"], "css": ["api-docs.eee.css"]},
    }))
    manifest = BundleManifest(str(tmp_path))
    assert manifest.file_name("cap-ui.js") == "cap-ui.aaa.js"
    assert manifest.file_name("cap-ui.css") == "cap-ui.bbb.css"
    assert manifest.file_name("api-docs.js") == "api-docs.ddd.js"
    assert manifest.file_name("api-docs.css") == "api-docs.eee.css"
    assert manifest.is_hashed("cap-ui-shared.ccc.js") and manifest.is_hashed("api-docs.eee.css")
