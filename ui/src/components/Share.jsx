import { useEffect, useState } from "react";
import { api, sameOrigin } from "../api.js";
import { errorText } from "../util.js";

const LEVELS = [
  ["read", "Read"],
  ["update", "Read and edit"],
  ["admin", "Admin (edit, share, publish)"],
];

// Sharing a draft gives named people or e-groups access to it; it does not
// publish anything.
export default function Share({ deposit, onChange, onClose }) {
  const [type, setType] = useState("egroup");
  const [email, setEmail] = useState("");
  const [level, setLevel] = useState("read");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [suggestions, setSuggestions] = useState([]);

  // Directory look-up (CERN LDAP) as the user types; silent when unavailable.
  useEffect(() => {
    const query = email.trim();
    if (query.length < 3) {
      setSuggestions([]);
      return undefined;
    }
    const timer = setTimeout(() => {
      api(`services/ldap/${type === "egroup" ? "egroup" : "user"}/mail?query=${encodeURIComponent(query)}`)
        .then(({ data }) => setSuggestions(Array.isArray(data) ? data.slice(0, 10) : []))
        .catch(() => setSuggestions([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [email, type]);

  async function send(changes) {
    setBusy(true);
    setError(null);
    try {
      const { data } = await api(sameOrigin(deposit.links.permissions), { method: "POST", body: changes });
      onChange(data);
      setEmail("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const rows = [];
  for (const [action, grant] of Object.entries(deposit.access || {})) {
    for (const u of grant.users || []) rows.push({ action, type: "user", email: u.email });
    for (const r of grant.roles || []) rows.push({ action, type: "egroup", email: r });
  }

  return (
    <section className="panel dialog" role="dialog" aria-labelledby="share-title">
      <header className="panel-head">
        <h2 id="share-title">Share this draft</h2>
        <button type="button" className="btn" onClick={onClose}>Close</button>
      </header>
      <p>Sharing gives the people or e-groups you name access to this <strong>draft</strong>.
        It does not publish it: nobody else in your collaboration sees it.</p>
      <table className="access">
        <thead><tr><th scope="col">Who</th><th scope="col">Kind</th><th scope="col">Right</th><th scope="col"><span className="sr-only">Remove</span></th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.action}-${r.type}-${r.email}`}>
              <td>{r.email}</td>
              <td>{r.type === "egroup" ? "e-group" : "user"}</td>
              <td>{r.action.replace("deposit-", "")}</td>
              <td>
                <button type="button" className="btn btn-small" disabled={busy}
                  aria-label={`Remove ${r.action.replace("deposit-", "")} for ${r.email}`}
                  onClick={() => send([{ email: r.email, type: r.type, op: "remove", action: r.action }])}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="share-form"
        onSubmit={(e) => { e.preventDefault(); if (email.trim()) send([{ email: email.trim(), type, op: "add", action: `deposit-${level}` }]); }}>
        <div className="form-group">
          <label htmlFor="share-type">Share with</label>
          <select id="share-type" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="egroup">an e-group</option>
            <option value="user">a person</option>
          </select>
        </div>
        <div className="form-group">
          <label htmlFor="share-email">{type === "egroup" ? "E-group (e.g. cms-hig-conveners@cern.ch)" : "Email"}</label>
          <input id="share-email" type="email" required value={email} list="share-suggestions"
            autoComplete="off" onChange={(e) => setEmail(e.target.value)} />
          <datalist id="share-suggestions">
            {suggestions.map((s) => (
              <option key={s.email} value={s.email}>{s.display_name || s.description || ""}</option>
            ))}
          </datalist>
        </div>
        <div className="form-group">
          <label htmlFor="share-level">Right</label>
          <select id="share-level" value={level} onChange={(e) => setLevel(e.target.value)}>
            {LEVELS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </div>
        <button className="btn btn-primary" type="submit" disabled={busy}>Share</button>
      </form>
      {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
    </section>
  );
}
