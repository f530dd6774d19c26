import { useEffect, useState } from "react";
import { api, sameOrigin } from "../api.js";
import { errorText } from "../util.js";

// The dialog knows which change it sent: the server's reasons, without the
// path of the change in the list ("0.email").
function shareErrorText(error) {
  const items = (error.body && error.body.errors) || [];
  return items.length ? `Not shared: ${items.map((e) => e.message).join(" ")}` : errorText(error);
}

export const LEVELS = [
  ["read", "Read"],
  ["update", "Read and edit"],
  ["admin", "Admin (edit, share, publish)"],
];

// Who holds which right, one row per person or e-group, from `access`
// ({"<prefix>read": {users: [{email}], roles: [names]}, ...}): its highest
// level, and the actions it holds.
export function grantees(access, prefix = "deposit-") {
  const byKey = new Map();
  LEVELS.forEach(([level]) => {
    const grant = (access || {})[`${prefix}${level}`] || {};
    const add = (type, email) => {
      const key = `${type}:${email}`;
      const row = byKey.get(key) || { type, email, actions: new Set(), level };
      row.actions.add(`${prefix}${level}`);
      row.level = level; // LEVELS go up: the last one seen is the highest
      byKey.set(key, row);
    };
    for (const u of grant.users || []) add("user", u.email);
    for (const r of grant.roles || []) add("egroup", r);
  });
  return [...byKey.values()];
}

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

  // One row per person or e-group, with the highest right they hold.
  const rows = grantees(deposit.access);
  const owner = deposit.created_by && deposit.created_by.email;

  // A higher level implies the lower ones (the access layer says so): a
  // role is one action; the others the row holds are taken back.
  function setRole(row, level) {
    const action = `deposit-${level}`;
    const changes = [...row.actions].filter((a) => a !== action)
      .map((a) => ({ email: row.email, type: row.type, op: "remove", action: a }));
    if (!row.actions.has(action)) changes.unshift({ email: row.email, type: row.type, op: "add", action });
    send(changes);
  }

  function removeRow(row) {
    send([...row.actions].map((action) => ({ email: row.email, type: row.type, op: "remove", action })));
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
        <thead><tr><th scope="col">Who</th><th scope="col">Kind</th><th scope="col">Role</th><th scope="col"><span className="sr-only">Remove</span></th></tr></thead>
        <tbody>
          {rows.map((r) => {
            const isOwner = r.type === "user" && r.email === owner;
            return (
              <tr key={`${r.type}-${r.email}`}>
                <td>{r.email}{isOwner && <span className="muted"> (owner)</span>}</td>
                <td>{r.type === "egroup" ? "e-group" : "person"}</td>
                <td>
                  <select aria-label={`Role of ${r.email}`} value={r.level} disabled={busy || isOwner}
                    onChange={(e) => setRole(r, e.target.value)}>
                    {LEVELS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
                  </select>
                </td>
                <td>
                  {!isOwner && (
                    <button type="button" className="btn btn-small" disabled={busy}
                      aria-label={`Remove ${r.email}`} onClick={() => removeRow(r)}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <form className="share-form"
        onSubmit={(e) => {
          e.preventDefault();
          const who = email.trim();
          if (who) send([{ email: who, type, op: "add", action: `deposit-${level}` }]);
        }}>
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
      {error && <p className="alert alert-danger" role="alert">{shareErrorText(error)}</p>}
    </section>
  );
}
