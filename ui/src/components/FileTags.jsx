// Editing a file's tags after its upload: PUT /api/file-tags/<bucket>/<key>
// with {tags: {key: value}}. The same `key=value;key2=value2` text as the
// upload form; the server names each bad tag.
import { useState } from "react";
import { api } from "../api.js";

export function tagsText(tags) {
  return Object.entries(tags || {}).map(([k, v]) => `${k}=${v}`).join(";");
}

// {tags} from the text, or {problem} naming the first malformed item.
export function parseTagsText(text) {
  const tags = {};
  for (const item of text.split(";")) {
    if (!item.trim()) continue;
    const at = item.indexOf("=");
    if (at < 1 || !item.slice(at + 1).trim()) return { problem: `Malformed tag "${item.trim()}": expected key=value.` };
    tags[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return { tags };
}

// The server's message for each refused tag names its key already.
function tagErrors(error) {
  const items = (error.body && error.body.errors) || [];
  return items.length ? items.map((e) => e.message).join(" ") : error.message;
}

export default function FileTags({ file, onSaved, onCancel }) {
  const [text, setText] = useState(tagsText(file.tags));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const id = `tags-${file.key}`;

  async function save(e) {
    e.preventDefault();
    const parsed = parseTagsText(text);
    if (parsed.problem) {
      setError(parsed.problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const url = `file-tags/${encodeURIComponent(file.bucket)}/${file.key.split("/").map(encodeURIComponent).join("/")}`;
      await api(url, { method: "PUT", body: { tags: parsed.tags } });
      onSaved(file.key);
    } catch (err) {
      setError(tagErrors(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="file-tags-form" onSubmit={save} aria-label={`Edit the tags of ${file.key}`}>
      <label htmlFor={id} className="sr-only">Tags of {file.key}</label>
      <input id={id} value={text} onChange={(e) => setText(e.target.value)} placeholder="type=ntuple;year=2016" />
      <button type="submit" className="btn btn-small" disabled={busy}>Save tags</button>
      <button type="button" className="btn btn-small" onClick={onCancel}>Cancel</button>
      {error && <p className="alert alert-danger small" role="alert">{error}</p>}
    </form>
  );
}
