import { useState } from "react";
import { api, sameOrigin, upload } from "../api.js";
import { errorText, fmtSize } from "../util.js";

export function FileTable({ files }) {
  if (!files || !files.length) return <p className="muted">No files.</p>;
  return (
    <table className="files">
      <thead>
        <tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Tags</th></tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <tr key={f.key}>
            <td>
              <a href={sameOrigin((f.links && f.links.self) || "")} download={f.key}>{f.key}</a>
              {f.checksum && <div className="small muted checksum">{f.checksum}</div>}
            </td>
            <td>{fmtSize(f.size)}</td>
            <td>{Object.entries(f.tags || {}).map(([k, v]) => <span key={k} className="tag">{k}={v}</span>)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Upload into the draft's bucket: PUT <links.bucket>/<key>, tags in X-CAP-File-Tags.
export default function Files({ deposit, canUpdate, onChange }) {
  const [file, setFile] = useState(null);
  const [tags, setTags] = useState("");
  const [progress, setProgress] = useState(null);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);

  async function submit(e) {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setDone(null);
    setProgress(0);
    try {
      const url = `${sameOrigin(deposit.links.bucket)}/${encodeURIComponent(file.name)}`;
      await upload(url, file, { tags: tags.trim() || undefined, onProgress: setProgress });
      setProgress(1);
      setDone(file.name);
      const { data } = await api(sameOrigin(deposit.links.files));
      onChange(data);
      e.target.reset();
      setFile(null);
      setTags("");
    } catch (err) {
      setError(err);
      setProgress(null);
    }
  }

  return (
    <section className="panel" aria-labelledby="files-title">
      <h2 id="files-title">Files</h2>
      <FileTable files={deposit.files} />
      {canUpdate && (
        <form className="upload-form" onSubmit={submit}>
          <div className="form-group">
            <label htmlFor="upload-file">File</label>
            <input id="upload-file" type="file" onChange={(e) => setFile(e.target.files[0] || null)} />
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
          {done && <p className="alert alert-success" role="status">Uploaded {done}.</p>}
          {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
        </form>
      )}
    </section>
  );
}
