// /admin/health: what superusers must act on. Files whose last fixity check
// failed (issue 21), each with a re-check once repaired, and the mails that
// could not be sent after their last retry (issue 16). The server renders
// both lists into the page's props.
import { useState } from "react";
import { api } from "../api.js";
import { draftUrl, errorText, fmtDateTime } from "../util.js";

// files-rest keeps whether a check matched, not the checksum it read.
const FIXITY_OUTCOME = {
  ok: "matches again",
  mismatch: "does not match",
  unreadable: "missing (could not be read)",
};
const RECIPIENT_FIELDS = [["to", "To"], ["cc", "Cc"], ["bcc", "Bcc"]];

function FixityRow({ result, onChecked }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  async function recheck() {
    setBusy(true);
    setError(null);
    try {
      const { data } = await api(`admin/fixity/${result.file_id}/verify`, { method: "POST" });
      onChecked(data);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const uses = result.uses.length ? result.uses : [null];
  return uses.map((use, index) => (
    <tr key={use ? use.version_id : result.file_id}>
      <td>{use ? (use.pid || use.record_id || "no record") : "no object uses it"}</td>
      <td>{use && use.key}</td>
      <td><code>{use && use.version_id}</code></td>
      {index === 0 && (
        <>
          <td rowSpan={uses.length}><code className="checksum">{result.checksum}</code></td>
          <td rowSpan={uses.length}>
            <span className={`badge ${result.status === "ok" ? "badge-published" : "badge-failed"}`}>
              {FIXITY_OUTCOME[result.status] || result.status}
            </span>
          </td>
          <td rowSpan={uses.length}>{fmtDateTime(result.checked_at)}</td>
          <td rowSpan={uses.length}>
            <button className="btn" type="button" disabled={busy} onClick={recheck}
              aria-label={`Re-check ${use ? use.key : result.file_id}`}>
              {busy ? "Checking…" : "Re-check"}
            </button>
            {error && <p className="alert alert-danger" role="alert">{error}</p>}
          </td>
        </>
      )}
    </tr>
  ));
}

function Fixity({ initial }) {
  const [results, setResults] = useState(initial);
  const checked = (fresh) => setResults((all) => all.map((r) => (r.file_id === fresh.file_id ? fresh : r)));

  return (
    <section className="panel" aria-labelledby="fixity-title">
      <h2 id="fixity-title">Fixity</h2>
      <p className="muted">Stored files whose last checksum check failed. Repair the file, then re-check it.</p>
      {!results.length ? <p className="muted">Every checked file matches its checksum.</p> : (
        <table className="admin-table" aria-label="Failed fixity checks">
          <thead>
            <tr>
              <th>Deposit or record</th><th>File</th><th>Version</th><th>Expected checksum</th>
              <th>Read</th><th>Last checked</th><th />
            </tr>
          </thead>
          <tbody>
            {results.map((result) => <FixityRow key={result.file_id} result={result} onChecked={checked} />)}
          </tbody>
        </table>
      )}
    </section>
  );
}

function FailedMails({ rows }) {
  return (
    <section className="panel" aria-labelledby="failed-mails-title">
      <h2 id="failed-mails-title">Failed mails</h2>
      <p className="muted">Notifications not sent after their last retry; the action they were for stands.</p>
      {!rows.length ? <p className="muted">No mail failed.</p> : (
        <table className="admin-table" aria-label="Failed mails">
          <thead>
            <tr>
              <th>Action</th><th>Deposit</th><th>Recipients</th><th>Subject</th><th>Error</th>
              <th>Time</th><th>Attempts</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>{row.action}</td>
                <td><a href={draftUrl(row.depid)}>{row.depid}</a></td>
                <td>
                  {RECIPIENT_FIELDS.filter(([key]) => (row.recipients[key] || []).length).map(([key, label]) => (
                    <div key={key}>{label}: {row.recipients[key].join(", ")}</div>
                  ))}
                </td>
                <td>{row.subject}</td>
                <td className="admin-error">{row.error}</td>
                <td>{fmtDateTime(row.updated)}</td>
                <td>{row.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export default function AdminHealth({ fixity, failedMails }) {
  return (
    <>
      <h1>Admin</h1>
      <Fixity initial={fixity} />
      <FailedMails rows={failedMails} />
    </>
  );
}
