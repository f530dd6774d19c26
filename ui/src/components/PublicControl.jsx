import { useState } from "react";
import { api } from "../api.js";
import { errorText } from "../util.js";

// Opening a record to the world, or closing it again (POST
// /api/records/<recid>/actions/public). The record's answer says who may
// (can_open: its admins, where its type lets records be opened one by one);
// readers are never offered it. A confirmation says what it means first.
export default function PublicControl({ record, onChanged }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const opening = !record.public;

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const { data } = await api(`records/${encodeURIComponent(record.recid)}/actions/public`,
        { method: "POST", body: { public: opening } });
      onChanged(data);
      setAsking(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const page = `${window.location.origin}/published/${record.recid}`;
  return (
    <>
      <button type="button" className="btn" onClick={() => { setError(null); setAsking(true); }}>
        {opening ? "Open to the world" : "Close"}
      </button>
      {asking && (
        <div className="dialog-backdrop">
          <section className="panel dialog public-dialog" role="dialog" aria-modal="true"
            aria-labelledby="public-title">
            <header className="panel-head">
              <h2 id="public-title">{opening ? "Open this record to the world?" : "Close this record to the world?"}</h2>
              <button type="button" className="btn" onClick={() => setAsking(false)}>Cancel</button>
            </header>
            {opening ? (
              <>
                <p>Anyone, without logging in, will then be able to:</p>
                <ul>
                  <li>harvest its metadata through OAI-PMH (<code>/oai2d</code>, as Dublin Core
                    and DataCite);</li>
                  <li>see its citation metadata (title, authors, description, keywords) on a
                    public page, <code>{page}</code>, which also carries it for search engines
                    and reference managers.</li>
                </ul>
                <p className="muted">Its files and the rest of its metadata stay with those who may
                  read it now. You can close it again, but harvesters keep what they took.</p>
              </>
            ) : (
              <p>OAI-PMH will no longer harvest it and its public page will be gone; only those who
                may read it now will see it. Harvesters keep what they already took.</p>
            )}
            {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
            <button type="button" className={opening ? "btn btn-danger" : "btn"} onClick={confirm}
              disabled={busy}>
              {busy ? "Saving…" : opening ? "Open to the world" : "Close to the world"}
            </button>
          </section>
        </div>
      )}
    </>
  );
}
