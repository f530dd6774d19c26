import { useEffect, useState } from "react";
import { api } from "../api.js";
import { errorText, fmtDateTime } from "../util.js";

// The mails the schema's rules sent for a deposit (the audit trail): when,
// what, to whom, and whether it went out. Blind copies are listed only for
// the deposit's admins (the server leaves them out for other readers).
// Blind copies (trigger addresses such as HyperNews) are listed apart: the
// other recipients never saw them.
const RECIPIENT_FIELDS = [["to", "To"], ["cc", "Cc"], ["bcc", "Bcc"]];
const STATUS_BADGE = { sent: "badge-published", queued: "badge-draft", failed: "badge-failed" };

export default function Notifications({ pid }) {
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    api(`deposits/${encodeURIComponent(pid)}/notifications`)
      .then(({ data }) => setRows(data.hits.hits))
      .catch(setError);
  }, [pid]);

  return (
    <section className="panel" aria-labelledby="mails-title">
      <h2 id="mails-title">Notifications</h2>
      {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
      {!error && !rows && <p className="muted">Loading…</p>}
      {rows && !rows.length && <p className="muted">No mail was sent for this deposit.</p>}
      {rows && rows.length > 0 && (
        <ol className="notifications">
          {rows.map((row) => (
            <li key={row.id}>
              <strong>{row.subject}</strong>{" "}
              <span className={`badge ${STATUS_BADGE[row.status] || ""}`}>{row.status}</span>
              <br />
              <span className="muted">{fmtDateTime(row.created)} · {row.action}
                {row.attempts > 1 && ` · ${row.attempts} attempts`}</span>
              <dl className="mail-recipients">
                {RECIPIENT_FIELDS.filter(([key]) => (row.recipients[key] || []).length).map(([key, label]) => (
                  <div key={key}>
                    <dt>{label}</dt>
                    <dd>{row.recipients[key].join(", ")}</dd>
                  </div>
                ))}
              </dl>
              {row.status === "failed" && row.error && <p className="alert alert-danger">{row.error}</p>}
              {row.status === "queued" && row.error && (
                <p className="muted small">Not sent yet, retrying: {row.error}</p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
