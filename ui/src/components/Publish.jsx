import { useState } from "react";
import { api, sameOrigin } from "../api.js";
import { errorText, fieldPath, recordUrl } from "../util.js";

// The publish step: says plainly what publishing means, then lists the full
// (record schema) validation errors if the server refuses.
export default function Publish({ deposit, beforePublish, onClose }) {
  const [errors, setErrors] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const experiment = deposit.experiment;

  async function publish() {
    setBusy(true);
    setErrors(null);
    setError(null);
    try {
      await beforePublish();
      const { data } = await api(sameOrigin(deposit.links.publish), { method: "POST" });
      window.location.assign(recordUrl(data.recid));
    } catch (err) {
      if (err.status === 422) setErrors((err.body && err.body.errors) || []);
      else setError(err);
      setBusy(false);
    }
  }

  return (
    <section className="panel dialog publish-step" role="dialog" aria-labelledby="publish-title">
      <header className="panel-head">
        <h2 id="publish-title">Publish this analysis</h2>
        <button type="button" className="btn" onClick={onClose}>Cancel</button>
      </header>
      <p className="alert alert-warning publish-warning">
        Publishing opens this record to the whole collaboration
        {experiment ? ` (every member of ${experiment})` : ""}: they will all be able to read it
        and its files. To give access to a few people only, use <strong>Share</strong> instead.
      </p>
      <p>Publishing checks the analysis against the complete schema: required fields must be filled in.
        You can still edit it afterwards and publish a new version.</p>
      {errors && (
        <div className="alert alert-danger" role="alert">
          <p>The analysis cannot be published yet. Fix these fields first:</p>
          <ul className="publish-errors">
            {errors.length ? errors.map((e, i) => (
              <li key={i}><code>{fieldPath(e.field) || "(whole record)"}</code>: {[].concat(e.message || e.messages || []).join(" ")}</li>
            )) : <li>The server gave no details.</li>}
          </ul>
        </div>
      )}
      {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
      <button type="button" className="btn btn-danger" onClick={publish} disabled={busy}>
        {busy ? "Publishing…" : `Publish to ${experiment || "everyone with access"}`}
      </button>
    </section>
  );
}
