import { useEffect, useState } from "react";
import { api } from "../api.js";
import HitList from "../components/HitList.jsx";
import { MyRuns } from "../components/Workflows.jsx";
import { draftUrl, errorText } from "../util.js";

// One request: the server answers every panel, each permission-filtered.
function useDashboard() {
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => {
    api("dashboard")
      .then(({ data }) => setState({ data, error: null }))
      .catch((error) => setState({ data: null, error }));
  }, []);
  return state;
}

function part(dashboard, name) {
  if (dashboard.error) return { hits: [], error: dashboard.error };
  return { hits: dashboard.data ? dashboard.data[name].hits : null, error: null };
}

function Panel({ title, state, more, empty }) {
  const hits = state.hits;
  return (
    <section className="panel dash-panel" aria-label={title}>
      <header className="panel-head">
        <h2>{title}</h2>
        {more && <a href={more}>See all</a>}
      </header>
      {state.error ? (
        <p className="alert alert-danger">{errorText(state.error)}</p>
      ) : (
        <HitList hits={hits} empty={empty} compact />
      )}
    </section>
  );
}

function CreateNew({ groups }) {
  const [type, setType] = useState("");
  const [title, setTitle] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (groups && groups.length && !type) setType(groups[0].deposit_group);
  }, [groups, type]);
  if (!groups) return <p className="muted">Loading…</p>;
  if (!groups.length) return <p className="muted">You may not create analyses of any type.</p>;

  async function create(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { $ana_type: type };
      const { data } = await api("deposits/", { method: "POST", body });
      if (title.trim()) {
        // Every type has general_title; older versions have their own title field.
        const schemaResp = await api(`deposits/${encodeURIComponent(data.id)}`, {
          accept: "application/form+json",
        });
        const props = (schemaResp.data.schemas.schema || {}).properties || {};
        const metadata = { ...data.metadata };
        if (props.general_title) {
          metadata.general_title = title.trim();
        } else if (props.basic_info && (props.basic_info.properties || {}).analysis_title) {
          metadata.basic_info = { ...(metadata.basic_info || {}), analysis_title: title.trim() };
        } else if (props.title) {
          metadata.title = title.trim();
        }
        await api(`deposits/${encodeURIComponent(data.id)}`, {
          method: "PUT",
          body: metadata,
          headers: { "If-Match": schemaResp.etag || `"${data.revision}"` },
        });
      }
      window.location.assign(draftUrl(data.id));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className="create-form" onSubmit={create}>
      <div className="form-group">
        <label htmlFor="create-type">Type</label>
        <select id="create-type" value={type} onChange={(e) => setType(e.target.value)}>
          {groups.map((g) => (
            <option key={g.deposit_group} value={g.deposit_group}>
              {g.name} ({g.deposit_group})
            </option>
          ))}
        </select>
      </div>
      <div className="form-group">
        <label htmlFor="create-title">Title (optional)</label>
        <input id="create-title" value={title} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <button className="btn btn-primary" type="submit" disabled={busy}>
        {busy ? "Creating…" : "Create draft"}
      </button>
      {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
    </form>
  );
}

export default function Dashboard({ user }) {
  const [me, setMe] = useState(null);
  const [meError, setMeError] = useState(null);
  useEffect(() => {
    api("me").then(({ data }) => setMe(data)).catch(setMeError);
  }, []);
  const dashboard = useDashboard();
  return (
    <div className="dashboard">
      <h1>Dashboard</h1>
      <p className="muted">Logged in as {user && user.email}</p>
      <form className="quick-search" action="/search" role="search">
        <label htmlFor="dash-q">Quick search</label>
        <input id="dash-q" type="search" name="q" placeholder="Title, CADI id, dataset…" />
        <button className="btn" type="submit">Search</button>
      </form>
      <div className="dash-grid">
        <section className="panel dash-panel" aria-label="Create new">
          <header className="panel-head"><h2>Create new</h2></header>
          {meError ? (
            <p className="alert alert-danger">{errorText(meError)}</p>
          ) : (
            <CreateNew groups={me && me.deposit_groups} />
          )}
        </section>
        <Panel title="My drafts" state={part(dashboard, "my_drafts")}
          more="/search?tab=drafts&by_me=True" empty="You have no drafts yet." />
        <Panel title="Shared with me" state={part(dashboard, "shared_with_me")}
          more="/search?tab=drafts" empty="Nobody shared a draft with you yet." />
        <Panel title="My published" state={part(dashboard, "my_published")}
          more="/search?tab=published&by_me=True" empty="You have not published anything yet." />
        <Panel title="Collaboration latest" state={part(dashboard, "collaboration")}
          more="/search?tab=published"
          empty="Nothing published in your collaborations yet." />
        <MyRuns />
      </div>
    </div>
  );
}
