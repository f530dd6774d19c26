import { useState } from "react";
import { api, sameOrigin } from "../api.js";
import { errorText, recordUrl } from "../util.js";

// The publish step: says plainly what publishing means; publishing saves
// first and stops if that fails, then lists every missing or invalid field
// at once by its form label (the first one scrolled to in the form).
export default function Publish({ deposit, saveFirst, saveError, check, label, onProblems, onGoTo, onClose }) {
  const [problems, setProblems] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const experiment = deposit.experiment;

  function refuse(list) {
    setProblems(list);
    onProblems(list);
    setBusy(false);
  }

  async function publish() {
    setBusy(true);
    setProblems(null);
    setError(null);
    if (!(await saveFirst())) {
      setError(`Not published: the draft could not be saved first (${saveError()}).`);
      setBusy(false);
      return;
    }
    const found = check();
    if (found.length) {
      refuse(found);
      return;
    }
    try {
      const { data } = await api(sameOrigin(deposit.links.publish), { method: "POST" });
      window.location.assign(recordUrl(data.recid));
    } catch (err) {
      if (err.status === 422 && err.body && (err.body.errors || []).length) refuse(err.body.errors);
      else {
        setError(errorText(err));
        setBusy(false);
      }
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
      <p>Publishing saves the draft, then checks it against the complete schema: fields marked
        with <span className="required">*</span> must be filled in. You can still edit it
        afterwards and publish a new version.</p>
      {problems && (
        <div className="alert alert-danger" role="alert">
          <p>The analysis cannot be published yet. Fix {problems.length === 1 ? "this field" : `these ${problems.length} fields`} first
            (they are marked in the form):</p>
          <ul className="publish-errors">
            {problems.map((p, i) => (
              <li key={i}>
                <button type="button" className="link-button" onClick={() => onGoTo(p.field)}>
                  {label(p.field)}
                </button>: {[].concat(p.message || p.messages || []).join(" ")}
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && <p className="alert alert-danger" role="alert">{error}</p>}
      <button type="button" className="btn btn-danger" onClick={publish} disabled={busy}>
        {busy ? "Publishing…" : `Publish to ${experiment || "everyone with access"}`}
      </button>
    </section>
  );
}
