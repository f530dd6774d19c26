import { useState } from "react";
import { api, sameOrigin, upload } from "../api.js";
import FileTags, { tagsText } from "./FileTags.jsx";
import { errorText, fmtDate, fmtSize } from "../util.js";

// The upload's tags travel in a header; people know the field as "Tags".
function uploadErrorText(error) {
  const items = (error.body && error.body.errors) || [];
  const tags = items.find((e) => Array.isArray(e.field) && /tags/i.test(e.field.join("")));
  return tags ? `Tags: ${tags.message}` : errorText(error);
}

export function FileTable({ files, onDelete, onVersions, onTagsSaved, versions, busy }) {
  if (!files || !files.length) return <p className="muted">No files.</p>;
  return (
    <table className="files">
      <thead>
        <tr>
          <th scope="col">Name</th><th scope="col">Size</th>
          {(onDelete || onVersions) && <th scope="col"><span className="sr-only">Actions</span></th>}
        </tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <FileRow key={f.key} file={f} onDelete={onDelete} onVersions={onVersions}
            onTagsSaved={onTagsSaved} versions={versions && versions[f.key]} busy={busy} />
        ))}
      </tbody>
    </table>
  );
}

function FileRow({ file: f, onDelete, onVersions, onTagsSaved, versions, busy }) {
  const older = (versions || []).filter((v) => !v.is_head);
  const [editingTags, setEditingTags] = useState(false);
  return (
    <>
      <tr>
        <td>
          <a href={sameOrigin((f.links && f.links.self) || "")} download={f.key}>{f.key}</a>
          {/* Under the name, not in columns of their own: the side panel is narrow. */}
          {f.tags && Object.keys(f.tags).length > 0 && (
            <div className="file-tags">
              {Object.entries(f.tags).map(([k, v]) => <span key={k} className="tag">{k}={v}</span>)}
            </div>
          )}
          {f.checksum && <div className="small muted checksum" title={f.checksum}>{f.checksum}</div>}
        </td>
        <td className="size">{fmtSize(f.size)}</td>
        {(onDelete || onVersions) && (
          <td className="file-actions">
            {onVersions && (
              <button type="button" className="btn btn-small" disabled={busy}
                aria-label={`Versions of ${f.key}`} onClick={() => onVersions(f.key)}>Versions</button>
            )}
            {onTagsSaved && !editingTags && (
              <button type="button" className="btn btn-small" disabled={busy}
                aria-label={`Edit tags of ${f.key}`} onClick={() => setEditingTags(true)}>Tags</button>
            )}
            {onDelete && (
              <button type="button" className="btn btn-small" disabled={busy}
                aria-label={`Delete ${f.key}`} onClick={() => onDelete(f)}>Delete</button>
            )}
          </td>
        )}
      </tr>
      {editingTags && (
        <tr className="file-tags-edit">
          <td colSpan={3}>
            <FileTags file={f} onCancel={() => setEditingTags(false)}
              onSaved={(key) => { setEditingTags(false); onTagsSaved(key); }} />
          </td>
        </tr>
      )}
      {versions && (
        <tr className="file-versions">
          <td colSpan={3}>
            {older.length ? (
              <ol aria-label={`Older versions of ${f.key}`}>
                {older.map((v) => (
                  <li key={v.version_id}>
                    <a href={sameOrigin(v.links.version || v.links.self)} download={f.key}>{fmtDate(v.updated || v.created)} · {fmtSize(v.size)}</a>
                  </li>
                ))}
              </ol>
            ) : <span className="muted">No older versions.</span>}
          </td>
        </tr>
      )}
    </>
  );
}

// Upload into the draft's bucket: PUT <links.bucket>/<key> (a file picked or
// dropped); a key already there is replaced after a confirmation (the bucket
// keeps the older version); delete; older versions to download.
export default function Files({ deposit, canUpdate, onChange, emptyFileMessage }) {
  const [file, setFile] = useState(null);
  const [tags, setTags] = useState("");
  const [progress, setProgress] = useState(null);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const [dragging, setDragging] = useState(false);
  const [versions, setVersions] = useState({});
  const [busy, setBusy] = useState(false);
  const bucket = sameOrigin(deposit.links.bucket);

  async function refresh() {
    const { data } = await api(sameOrigin(deposit.links.files));
    onChange(data);
    setVersions({});
  }

  function choose(picked) {
    setDone(null);
    setError(null);
    if (picked && picked.size === 0 && emptyFileMessage) {
      setError(emptyFileMessage.replace("{name}", picked.name));
      setFile(null);
      return;
    }
    setFile(picked || null);
  }

  async function submit(e) {
    e.preventDefault();
    if (!file) return;
    const form = e.target;
    const current = (deposit.files || []).find((f) => f.key === file.name);
    const exists = Boolean(current);
    // A new version keeps the tags of the one it replaces unless others are given.
    const kept = exists && !tags.trim() ? tagsText(current.tags) : "";
    const keeps = kept ? `; its tags (${kept}) are kept` : "";
    if (exists && !window.confirm(`Replace ${file.name}? The current version stays in its version history${keeps}.`)) return;
    setError(null);
    setDone(null);
    setProgress(0);
    try {
      await upload(`${bucket}/${encodeURIComponent(file.name)}`, file, {
        tags: tags.trim() || kept || undefined, onProgress: setProgress,
      });
      setProgress(1);
      setDone(`${exists ? "Replaced" : "Uploaded"} ${file.name}.`);
      // Cleared before the list is read again, so a file picked meanwhile stays.
      form.reset();
      setFile(null);
      setTags("");
      await refresh();
    } catch (err) {
      setError(uploadErrorText(err));
      setProgress(null);
    }
  }

  async function remove(f) {
    if (!window.confirm(`Delete ${f.key} from this draft?`)) return;
    setBusy(true);
    setError(null);
    try {
      await api(sameOrigin(f.links.self), { method: "DELETE" });
      setDone(`Deleted ${f.key}.`);
      await refresh();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function tagsSaved(key) {
    setError(null);
    setDone(`Saved the tags of ${key}.`);
    await refresh();
  }

  // files-rest lists every version of a bucket with ?versions.
  async function toggleVersions(key) {
    if (versions[key]) {
      setVersions(({ [key]: _, ...rest }) => rest);
      return;
    }
    try {
      const { data } = await api(`${bucket}?versions`);
      const all = (data.contents || []).filter((v) => v.key === key && !v.delete_marker);
      setVersions((old) => ({ ...old, [key]: all }));
    } catch (err) {
      setError(errorText(err));
    }
  }

  const drop = canUpdate ? {
    onDragOver: (e) => { e.preventDefault(); setDragging(true); },
    onDragLeave: () => setDragging(false),
    onDrop: (e) => { e.preventDefault(); setDragging(false); choose(e.dataTransfer.files[0]); },
  } : {};

  return (
    <section className={`panel files-panel${dragging ? " dragging" : ""}`} aria-labelledby="files-title" {...drop}>
      <h2 id="files-title">Files</h2>
      <FileTable files={deposit.files} busy={busy} versions={versions}
        onVersions={toggleVersions} onDelete={canUpdate ? remove : undefined}
        onTagsSaved={canUpdate ? tagsSaved : undefined} />
      {canUpdate && (
        <form className="upload-form" onSubmit={submit}>
          <p className="small muted">Drop a file here, or pick one:</p>
          <div className="form-group">
            <label htmlFor="upload-file">File</label>
            <input id="upload-file" type="file" onChange={(e) => choose(e.target.files[0])} />
            {file && <p className="small">Ready: {file.name} ({fmtSize(file.size)})</p>}
          </div>
          <div className="form-group">
            <label htmlFor="upload-tags">Tags (optional, <code>key=value;key2=value2</code>)</label>
            <input id="upload-tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="type=ntuple;year=2016" />
          </div>
          <button className="btn" type="submit" disabled={!file || (progress !== null && progress < 1)}>Upload</button>
          {progress !== null && (
            <div className="progress-wrap">
              <progress id="upload-progress" max="1" value={progress} aria-label="Upload progress" />
              <span>{Math.round(progress * 100)}%</span>
            </div>
          )}
          {done && <p className="alert alert-success" role="status">{done}</p>}
        </form>
      )}
      {error && <p className="alert alert-danger" role="alert">{error}</p>}
    </section>
  );
}
