// /admin/types: the deposit types and their versions, and the content
// builder for a new type (superusers) or a new version of one (its
// administrators too). `scope` is the server's {any, names}.
import { useCallback, useEffect, useState } from "react";
import { api } from "../api.js";
import Builder from "../builder/Builder.jsx";
import { fromDefinition, nextVersion } from "../builder/model.js";
import { errorText } from "../util.js";

function byName(schemas) {
  const out = new Map();
  for (const schema of schemas) {
    if (!out.has(schema.name)) out.set(schema.name, []);
    out.get(schema.name).push(schema);
  }
  return [...out.entries()].map(([name, versions]) => ({ name, versions, latest: versions[versions.length - 1] }));
}

const STARTER = {
  deposit_schema: {
    type: "object",
    properties: { general_title: { type: "string", title: "Title" } },
    required: ["general_title"],
  },
};

export default function Types({ scope, experiments }) {
  const [schemas, setSchemas] = useState(null);
  const [error, setError] = useState(null);
  const [building, setBuilding] = useState(null);
  const [saved, setSaved] = useState(null);

  const load = useCallback(() => {
    api("jsonschemas/")
      .then(({ data }) => setSchemas(data))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  async function newVersion(name, version) {
    setSaved(null);
    try {
      const { data } = await api(`jsonschemas/${encodeURIComponent(name)}/${version}`);
      const versions = schemas.filter((s) => s.name === name).map((s) => s.version);
      let next = nextVersion(data.version);
      while (versions.includes(next)) next = nextVersion(next);
      const initial = fromDefinition(data);
      initial.meta.version = next;
      setBuilding({ initial, previous: data });
    } catch (err) {
      setError(err);
    }
  }

  function newType() {
    setSaved(null);
    setBuilding({ initial: fromDefinition({ ...STARTER, experiment: null }), previous: null });
  }

  if (error) return <p className="alert alert-danger" role="alert">{errorText(error)}</p>;
  if (!schemas) return <p className="loading">Loading…</p>;
  const refs = schemas.map((s) => ({ url: s.links.deposit_schema, label: `${s.fullname || s.name} v${s.version}` }));

  if (building) {
    return (
      <Builder key={building.previous ? building.previous.name : "new"} initial={building.initial}
        previous={building.previous} scope={scope} experiments={experiments} refs={refs}
        onCancel={() => setBuilding(null)}
        onSaved={(data) => { setBuilding(null); setSaved(data); load(); }} />
    );
  }

  const types = byName(schemas);
  return (
    <div className="types-page">
      <header className="page-head">
        <div>
          <h1>Deposit types</h1>
          <p className="muted">Published versions never change: a change is a new version.</p>
        </div>
        {scope.any && <button type="button" className="btn btn-primary" onClick={newType}>New type…</button>}
      </header>
      {saved && (
        <p className="alert alert-success" role="status">
          Saved {saved.name} v{saved.version}. <a href={`/collection/${encodeURIComponent(saved.name)}`}>Its collection</a>
        </p>
      )}
      <table className="types-table">
        <thead><tr><th>Type</th><th>Experiment</th><th>Versions</th><th /></tr></thead>
        <tbody>
          {types.map((t) => (
            <tr key={t.name} data-type={t.name}>
              <td><strong>{t.latest.fullname || t.name}</strong><br /><code>{t.name}</code></td>
              <td>{t.latest.experiment || <span className="muted">none</span>}</td>
              <td>{t.versions.map((v) => (
                <a key={v.version} className="version-link" href={`/collection/${encodeURIComponent(t.name)}/${v.version}`}>v{v.version}</a>
              ))}</td>
              <td>
                {(scope.any || scope.names.includes(t.name)) && (
                  <button type="button" className="btn" onClick={() => newVersion(t.name, t.latest.version)}
                    aria-label={`New version of ${t.name}`}>New version…</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
