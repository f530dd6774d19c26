import { useCallback, useEffect, useRef, useState } from "react";
import { api, sameOrigin } from "../api.js";
import { errorText, fmtSize } from "../util.js";

const FOLLOW = [
  ["", "Only this snapshot"],
  ["push", "Also every push to this branch"],
  ["release", "Also every release (tag)"],
];

// States a snapshot leaves by itself (the Celery task downloads it).
const PENDING = new Set(["queued", "downloading"]);
const POLL_MS = 2000;

// "2026-12-02 06:31" (UTC) of an ISO time.
function takenAt(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "";
}

// Code repositories of a draft: attach a GitHub/GitLab repository (or one
// file of it) at a branch, tag or commit, optionally following its pushes or
// releases; the snapshots taken (ref, commit, time, size, state) and the
// webhooks the draft is subscribed to.
export default function Repositories({ deposit, canUpdate, onFiles }) {
  const [state, setState] = useState(null);
  const [url, setUrl] = useState("");
  const [follow, setFollow] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const [linked, setLinked] = useState([]);
  const base = `deposits/${deposit.id}`;

  const load = useCallback(async () => {
    const { data } = await api(`${base}/repositories`);
    setState(data);
    return data;
  }, [base]);

  // Read again after each save: the templates' names are made of the draft's fields.
  useEffect(() => {
    load().catch((err) => setError(errorText(err)));
  }, [load, deposit.updated]);

  // The repositories of the user's linked git accounts, to pick one from.
  useEffect(() => {
    if (!canUpdate) return;
    (async () => {
      const { data } = await api("me/linked-accounts");
      const git = data.hits.filter((entry) => entry.linked && entry.links.repositories);
      const lists = await Promise.all(git.map(async (entry) => {
        const answer = await api(entry.links.repositories);
        return { entry, repositories: answer.data.hits };
      }));
      setLinked(lists);
    })().catch((err) => setError(errorText(err)));
  }, [canUpdate]);

  // The parent's callback is a new function at each of its renders: held in a
  // ref so that a render does not restart the polling below.
  const onFilesRef = useRef(onFiles);
  onFilesRef.current = onFiles;
  const refreshFiles = useCallback(async () => {
    const { data } = await api(sameOrigin(deposit.links.files));
    onFilesRef.current(data);
  }, [deposit.links.files]);

  // The download runs after the answer: read again until no snapshot is queued
  // or downloading, and the Files panel once one more is done.
  useEffect(() => {
    const pending = ((state && state.snapshots) || []).filter((s) => PENDING.has(s.status));
    if (!pending.length) return undefined;
    const timer = setTimeout(async () => {
      try {
        const data = await load();
        const finished = data.snapshots.filter((s) => s.status === "done"
          && pending.some((p) => p.id === s.id));
        if (finished.length) await refreshFiles();
      } catch (err) {
        setError(errorText(err));
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [state, load, refreshFiles]);

  async function afterChange(message) {
    setDone(message);
    await load();
    await refreshFiles();
  }

  async function connect(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await api(`${base}/actions/upload`, {
        method: "POST",
        body: { url: url.trim(), webhook: Boolean(follow), event_type: follow || null },
      });
      setUrl("");
      await afterChange(follow ? `Connected; a snapshot is taken at every ${follow}.`
        : "Snapshot requested.");
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  // A repository from a template of the draft's type; the service says what it makes.
  async function createRepository(template) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const { data } = await api(`${base}/actions/create_repository`, {
        method: "POST", body: { name: template.name },
      });
      await afterChange(`Created ${data.created}; a snapshot is taken at every ${template.event_type}.`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function disconnect(hook) {
    if (!window.confirm(`Stop following ${hook.owner}/${hook.name} (${hook.event_type})?`)) return;
    setBusy(true);
    setError(null);
    try {
      const ref = hook.branch ? `/tree/${hook.branch}` : "";
      await api(`${base}/actions/disconnect_webhook`, {
        method: "POST",
        body: { url: `https://${hook.host}/${hook.owner}/${hook.name}${ref}`, event_type: hook.event_type },
      });
      await afterChange(`Disconnected ${hook.owner}/${hook.name}.`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const snapshots = (state && state.snapshots) || [];
  const webhooks = (state && state.webhooks) || [];
  const templates = (state && state.templates) || [];
  return (
    <section className="panel repositories-panel" aria-labelledby="repositories-title">
      <h2 id="repositories-title">Code repositories</h2>
      {canUpdate && (
        <form className="upload-form" onSubmit={connect}>
          {linked.length > 0 && (
            <div className="form-group">
              <label htmlFor="repository-pick">Pick one of your repositories</label>
              <select id="repository-pick" value="" onChange={(e) => e.target.value && setUrl(e.target.value)}>
                <option value="">Choose…</option>
                {linked.map(({ entry, repositories }) => (
                  <optgroup key={entry.name} label={`${entry.title}: ${entry.account.login}`}>
                    {repositories.map((r) => (
                      <option key={r.url} value={r.url}>{r.full_name}{r.private ? " (private)" : ""}</option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </div>
          )}
          <div className="form-group">
            <label htmlFor="repository-url">Repository URL (at a branch, tag, commit or file)</label>
            <input id="repository-url" value={url} onChange={(e) => setUrl(e.target.value)}
              placeholder="https://github.com/owner/repository/tree/v1.0.0" />
          </div>
          <div className="form-group">
            <label htmlFor="repository-follow">Follow</label>
            <select id="repository-follow" value={follow} onChange={(e) => setFollow(e.target.value)}>
              {FOLLOW.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </div>
          <button className="btn" type="submit" disabled={busy || !url.trim()}>Connect repository</button>
        </form>
      )}
      {canUpdate && templates.length > 0 && (
        <>
          <h3>New repository for this analysis</h3>
          <ul className="repository-templates" aria-label="Repository templates">
            {templates.map((t) => (
              <li key={t.name}>
                {t.repository ? (
                  <span>
                    {t.created && t.url ? <a href={t.url}>{t.host}/{t.owner}/{t.repository}</a>
                      : <>{t.host}/{t.owner}/<strong>{t.repository}</strong></>}
                    {" "}({t.private ? "private" : "public"}, every {t.event_type} snapshotted)
                  </span>
                ) : <span className="muted">{t.host ? `${t.host}/${t.owner}: ` : `${t.name}: `}{t.error && t.error.message}</span>}
                {t.created ? <span className="badge">Created</span> : (
                  <button className="btn" type="button" disabled={busy || !t.repository}
                    aria-label={`Create repository ${t.repository || t.name}`}
                    onClick={() => createRepository(t)}>Create repository</button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {done && <p className="alert alert-success" role="status">{done}</p>}
      {error && <p className="alert alert-danger" role="alert">{error}</p>}
      <h3>Snapshots</h3>
      {snapshots.length ? (
        <table className="snapshots" aria-label="Snapshots">
          <thead>
            <tr><th>Repository</th><th>Ref</th><th>Commit</th><th>Taken</th><th>Size</th><th>State</th></tr>
          </thead>
          <tbody>
            {snapshots.map((s) => (
              <tr key={s.id}>
                <td title={s.url}>{s.owner}/{s.name}{s.path ? ` : ${s.path}` : ""}</td>
                <td>{s.ref}</td>
                <td><code title={s.sha || ""}>{(s.sha || "").slice(0, 10)}</code></td>
                <td>{takenAt(s.created)}</td>
                <td>{s.size != null ? fmtSize(s.size) : ""}</td>
                <td title={s.error || ""}>{s.status}{s.error ? `: ${s.error}` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="muted">No snapshots.</p>}
      <h3>Webhooks</h3>
      {webhooks.length ? (
        <ul className="webhooks">
          {webhooks.map((hook) => (
            <li key={hook.id}>
              {hook.host}/{hook.owner}/{hook.name}: {hook.event_type === "push"
                ? `every push to ${hook.branch}` : "every release"} ({hook.status})
              {canUpdate && (
                <button className="btn btn-link" type="button" disabled={busy}
                  onClick={() => disconnect(hook)}>Disconnect</button>
              )}
            </li>
          ))}
        </ul>
      ) : <p className="muted">Not following any repository.</p>}
    </section>
  );
}
