import { useCallback, useEffect, useState } from "react";
import { api } from "../api.js";
import { errorText, fmtDate } from "../util.js";

const HERE = "/account/linked-accounts";

// Who the linked account is at the provider: "sandersson (Sofia Andersson)".
function whoIs(account) {
  if (!account) return "";
  return account.name ? `${account.login} (${account.name})` : account.login;
}

// The user's GitHub, GitLab and Zenodo accounts. Connecting is the browser's
// OAuth dance (/oauth/login/<name>/, back here with a message); disconnecting
// revokes the token at the provider where it can and forgets it.
export default function LinkedAccounts() {
  const [accounts, setAccounts] = useState(null);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const { data } = await api("me/linked-accounts");
    setAccounts(data.hits);
  }, []);

  useEffect(() => {
    load().catch((err) => setError(errorText(err)));
  }, [load]);

  async function disconnect(entry) {
    if (!window.confirm(`Disconnect your ${entry.title} account ${whoIs(entry.account)}?`)) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const { data } = await api(`me/linked-accounts/${entry.name}`, { method: "DELETE" });
      setDone(data.message || `Your ${entry.title} account is disconnected; its token is revoked.`);
      await load();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel linked-accounts" aria-labelledby="linked-title">
      <h1 id="linked-title">Linked accounts</h1>
      <p className="muted">
        Link your accounts to attach your private repositories to drafts and to publish
        records to Zenodo as yourself. You keep logging in with CERN.
      </p>
      {error && <p className="alert alert-danger" role="alert">{error}</p>}
      {done && <p className="alert alert-success" role="status">{done}</p>}
      {accounts === null ? <p className="loading">Loading…</p> : (
        <table className="linked-accounts-table" aria-label="Linked accounts">
          <thead><tr><th>Service</th><th>Account</th><th>Since</th><th /></tr></thead>
          <tbody>
            {accounts.map((entry) => (
              <tr key={entry.name}>
                <td>{entry.title}{entry.host ? <span className="muted"> ({entry.host})</span> : null}</td>
                <td>
                  {entry.linked ? (
                    entry.account && entry.account.url
                      ? <a href={entry.account.url}>{whoIs(entry.account)}</a>
                      : whoIs(entry.account)
                  ) : <span className="muted">{entry.available ? "Not linked" : "Not available on this CAP"}</span>}
                </td>
                <td>{entry.linked_at ? fmtDate(entry.linked_at) : ""}</td>
                <td>
                  {entry.linked ? (
                    <button className="btn" type="button" disabled={busy}
                      onClick={() => disconnect(entry)}>Disconnect {entry.title}</button>
                  ) : entry.available && (
                    <a className="btn btn-primary"
                      href={`${entry.links.connect}?next=${encodeURIComponent(HERE)}`}>
                      Connect {entry.title}
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
