import { useState } from "react";
import { api } from "../api.js";
import { errorText } from "../util.js";

// Zenodo on a record page: its DOI once published there, and the action
// (POST /api/records/<recid>/actions/zenodo; a re-run is a new version under
// the same concept DOI). `canPublish`: the record's answer says who may
// (`can_zenodo`: its admins, where the schema allows Zenodo); the others see
// its DOI, if any.
export default function ZenodoPanel({ record, canPublish, onPublished }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const zenodo = record.zenodo;

  async function publish() {
    setBusy(true);
    setError(null);
    try {
      const { data } = await api(`records/${encodeURIComponent(record.recid)}/actions/zenodo`,
        { method: "POST" });
      onPublished(data);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!zenodo && !canPublish) return null;
  return (
    <section className="panel zenodo-panel" aria-labelledby="zenodo-title">
      <h2 id="zenodo-title">Zenodo</h2>
      {zenodo ? (
        <p>DOI <a className="doi" href={`https://doi.org/${zenodo.doi}`}>{zenodo.doi}</a>
          {zenodo.conceptdoi && <> · all versions <span className="conceptdoi">{zenodo.conceptdoi}</span></>}
        </p>
      ) : <p className="muted">Not on Zenodo yet.</p>}
      {canPublish && (
        <button type="button" className="btn" onClick={publish} disabled={busy}>
          {busy ? "Publishing…" : zenodo ? "Publish a new version on Zenodo" : "Publish on Zenodo"}
        </button>
      )}
      {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
    </section>
  );
}
