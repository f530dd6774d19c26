// The record's revisions (who published each, when) and what changed between
// two of them: GET /api/records/<recid>/revisions and .../diff?from=&to=.
// Changed fields are labelled with the form's titles and listed in the form's
// order; values show as text (React escapes them).
import { useEffect, useState } from "react";
import { api } from "../api.js";
import { errorText, fieldLabel, fmtDate, schemaAt } from "../util.js";
import { keyRank } from "./MetadataView.jsx";

function author(revision) {
  const a = revision.author;
  if (!a) return "unknown";
  return (a.profile && a.profile.full_name) || a.email;
}

function shown(value) {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

// Where a field path sits in the form: the rank of each part among its
// siblings (MetadataView's order; array indexes as numbers), part by part.
function formRank(schema, uiSchema, field) {
  let ui = uiSchema;
  return field.map((part, i) => {
    const parent = schemaAt(schema, field.slice(0, i));
    const rank = /^\d+$/.test(part) ? Number(part) : keyRank(parent, ui, part);
    ui = ui && (/^\d+$/.test(part) ? ui.items : ui[part]);
    return rank;
  });
}

function byRank(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

const OPS = { added: "added", removed: "removed", changed: "changed" };

function Diff({ diff, schema, uiSchema }) {
  const rank = (change) => formRank(schema, uiSchema, change.field);
  const fields = schema ? [...diff.metadata].sort((x, y) => byRank(rank(x), rank(y))) : diff.metadata;
  if (!fields.length && !diff.files.length) {
    return <p className="muted" role="status">No differences between revision {diff.from} and revision {diff.to}.</p>;
  }
  return (
    <div className="revision-diff" role="region" aria-label={`Changes from revision ${diff.from} to ${diff.to}`}>
      {fields.length > 0 && (
        <table className="diff">
          <thead>
            <tr><th scope="col">Field</th><th scope="col">Revision {diff.from}</th><th scope="col">Revision {diff.to}</th></tr>
          </thead>
          <tbody>
            {fields.map((change) => (
              <tr key={change.field.join("/")} className={`diff-${change.op}`}>
                <th scope="row">{schema ? fieldLabel(schema, change.field) : change.field.join(" › ")}
                  <span className="sr-only"> ({OPS[change.op]})</span></th>
                <td className="diff-old">{shown(change.old)}</td>
                <td className="diff-new">{shown(change.new)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {diff.files.length > 0 && (
        <ul className="diff-files" aria-label="Files changed">
          {diff.files.map((f) => <li key={f.key} className={`diff-${f.op}`}>{f.key}: {OPS[f.op]}</li>)}
        </ul>
      )}
    </div>
  );
}

export default function Revisions({ base, schema, uiSchema }) {
  const [revisions, setRevisions] = useState(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [diff, setDiff] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    api(`${base}/revisions`)
      .then(({ data }) => {
        setRevisions(data);
        if (data.length > 1) {
          setFrom(String(data[data.length - 2].revision));
          setTo(String(data[data.length - 1].revision));
        }
      })
      .catch(() => setRevisions([]));
  }, [base]);

  async function compare(e) {
    e.preventDefault();
    setError(null);
    try {
      const { data } = await api(`${base}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      setDiff(data);
    } catch (err) {
      setDiff(null);
      setError(err);
    }
  }

  return (
    <section className="panel" aria-labelledby="rev-title">
      <h2 id="rev-title">Revisions</h2>
      {!revisions ? <p className="muted">Loading…</p> : !revisions.length ? <p className="muted">No revisions.</p> : (
        <ol className="revisions">
          {revisions.map((r) => (
            <li key={r.revision}>
              <a href={`?revision=${r.revision}`}>Revision {r.revision}</a> · {fmtDate(r.updated)} · by {author(r)}
            </li>
          ))}
        </ol>
      )}
      {revisions && revisions.length > 1 && (
        <form className="revision-compare" onSubmit={compare}>
          <label htmlFor="diff-from">From</label>
          <select id="diff-from" value={from} onChange={(e) => setFrom(e.target.value)}>
            {revisions.map((r) => <option key={r.revision} value={r.revision}>Revision {r.revision}</option>)}
          </select>
          <label htmlFor="diff-to">to</label>
          <select id="diff-to" value={to} onChange={(e) => setTo(e.target.value)}>
            {revisions.map((r) => <option key={r.revision} value={r.revision}>Revision {r.revision}</option>)}
          </select>
          <button type="submit" className="btn btn-small">Compare</button>
        </form>
      )}
      {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
      {diff && <Diff diff={diff} schema={schema} uiSchema={uiSchema} />}
    </section>
  );
}
