// The content builder: one deposit type version, from its fields to its
// search, settings and grants, with the live form preview beside it. Saving
// is POST /api/jsonschemas/ (after a look at the diff against the previous
// version); the server's refusals are shown on the fields they name.
import { useMemo, useRef, useState } from "react";
import { api } from "../api.js";
import { errorText, fieldPath } from "../util.js";
import FieldEditor from "./FieldEditor.jsx";
import FieldTree from "./FieldTree.jsx";
import Preview from "./Preview.jsx";
import {
  SCHEMA_ACTIONS, diff, fieldOfError, find, fromDefinition, generateMapping, insertField, moveField,
  newField, nudge, removeField, termFields, toDefinition, updateField,
} from "./model.js";

const TABS = ["Fields", "Layout", "Search", "Settings", "Access"];

// What a stored version looks like as a definition (for the diff).
function asDefinition(schema) {
  if (!schema) return {};
  const { links, ...rest } = schema; // eslint-disable-line no-unused-vars
  return rest;
}

function short(value) {
  if (value === undefined) return "";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

export default function Builder({ initial, previous, scope, experiments, refs, onSaved, onCancel }) {
  const [state, setState] = useState(initial);
  const [selected, setSelected] = useState(initial.fields[0] ? initial.fields[0].id : null);
  const [tab, setTab] = useState("Fields");
  const [problems, setProblems] = useState(null);
  const [review, setReview] = useState(null);
  const [busy, setBusy] = useState(false);
  // The version as the server created it, while its grants are still refused.
  const [savedVersion, setSavedVersion] = useState(null);
  const [grantsProblem, setGrantsProblem] = useState(null);
  const fileInput = useRef(null);
  const isNewVersion = Boolean(previous);
  const set = (changes) => setState((s) => ({ ...s, ...changes }));
  const setFields = (fn) => setState((s) => ({ ...s, fields: fn(s.fields) }));

  const built = useMemo(() => {
    try {
      return { definition: toDefinition(state), error: null };
    } catch (error) {
      return { definition: null, error: error.message };
    }
  }, [state]);
  const preview = built.definition || { deposit_schema: { type: "object" }, deposit_options: {} };

  // Server errors by field node (its id), and the others.
  const fieldErrors = {};
  const otherErrors = [];
  for (const error of (problems && problems.errors) || []) {
    const node = fieldOfError(state.fields, error.field);
    if (node) fieldErrors[node.id] = `${error.field.join(".")}: ${error.message}`;
    else otherErrors.push(error);
  }

  function add(parentId) {
    const node = newField("string", "new_field");
    setFields((fields) => {
      const list = parentId ? find(fields, parentId).node.children : fields;
      return insertField(fields, parentId, list.length, node);
    });
    setSelected(node.id);
  }

  // A top-level field's new key also follows it into its tab.
  function change(id, changes) {
    setState((s) => {
      const at = find(s.fields, id);
      const fields = updateField(s.fields, id, changes);
      if (!at || at.parent || !("key" in changes)) return { ...s, fields };
      const rename = (k) => (k === at.node.key ? changes.key : k);
      return { ...s, fields, layout: { ...s.layout, groups: s.layout.groups.map((g) => ({ ...g, fields: g.fields.map(rename) })) } };
    });
  }

  function remove(id) {
    setFields((fields) => removeField(fields, id));
    if (selected === id) setSelected(null);
  }

  function exportFile() {
    if (!built.definition) return;
    const blob = new Blob([JSON.stringify(built.definition, null, 2)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${state.meta.name || "type"}-v${state.meta.version}.json`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  async function importFile(event) {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    try {
      const definition = JSON.parse(await file.text());
      const next = fromDefinition(definition);
      // A new version stays one of this type, numbered as the builder
      // numbered it (the file's version may well exist); a type
      // administrator also keeps the type's experiment.
      if (isNewVersion) next.meta = { ...next.meta, name: state.meta.name, version: state.meta.version };
      if (!scope.any) next.meta = { ...next.meta, experiment: state.meta.experiment };
      setState({ ...next, grants: state.grants });
      setSelected(next.fields[0] ? next.fields[0].id : null);
      setProblems(null);
    } catch (error) {
      setProblems({ message: `${file.name} is not a definition: ${error.message}`, errors: [] });
    }
  }

  // The grants of the Access tab, posted once the version exists.
  async function postGrants(name) {
    const grants = state.grants.filter((g) => g.who.trim());
    if (!grants.length) return;
    await api(`jsonschemas/${encodeURIComponent(name)}/permissions`, {
      method: "POST",
      body: grants.map((g) => (g.type === "user"
        ? { type: "user", email: g.who.trim(), action: g.action }
        : { type: "egroup", name: g.who.trim(), action: g.action })),
    });
  }

  // The version, then its grants. A version the server created stays
  // created: refused grants are said apart, and retried alone.
  async function save() {
    setBusy(true);
    setProblems(null);
    let data = savedVersion;
    try {
      if (!data) {
        ({ data } = await api("jsonschemas/", { method: "POST", body: built.definition }));
        setSavedVersion(data);
      }
    } catch (error) {
      setReview(null);
      setProblems({ message: errorText(error), errors: (error.body && error.body.errors) || [] });
      setBusy(false);
      return;
    }
    try {
      await postGrants(data.name);
      setReview(null);
      onSaved(data);
    } catch (error) {
      setReview(null);
      setTab("Access");
      setGrantsProblem({ message: errorText(error), errors: (error.body && error.body.errors) || [] });
    } finally {
      setBusy(false);
    }
  }

  const at = selected ? find(state.fields, selected) : null;
  const node = at ? at.node : null;
  const terms = termFields(state);

  return (
    <div className="builder">
      <header className="page-head">
        <div>
          <h1>{isNewVersion ? `New version of ${state.meta.name}` : "New deposit type"}</h1>
          {previous && <p className="muted">Based on v{previous.version}; published versions never change.</p>}
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={exportFile} disabled={!built.definition}>Export JSON</button>
          <button type="button" className="btn" onClick={() => fileInput.current.click()}>Import JSON…</button>
          <input ref={fileInput} type="file" accept="application/json,.json" hidden onChange={importFile}
            aria-label="Import a definition file" data-testid="import-definition" />
          <button type="button" className="btn" onClick={() => (savedVersion ? onSaved(savedVersion) : onCancel())}>Cancel</button>
          <button type="button" className="btn btn-primary" disabled={!built.definition || busy || Boolean(savedVersion)}
            onClick={() => setReview(diff(asDefinition(previous), built.definition))}>Review and save…</button>
        </div>
      </header>

      <section className="panel builder-meta" aria-label="Type">
        <div className="meta-grid">
          <div className="form-group">
            <label htmlFor="b-name">Name</label>
            <input id="b-name" className="form-control" value={state.meta.name} disabled={isNewVersion}
              onChange={(e) => set({ meta: { ...state.meta, name: e.target.value } })} placeholder="cms-my-analysis" />
          </div>
          <div className="form-group">
            <label htmlFor="b-version">Version</label>
            <input id="b-version" className="form-control" value={state.meta.version}
              onChange={(e) => set({ meta: { ...state.meta, version: e.target.value } })} />
          </div>
          <div className="form-group">
            <label htmlFor="b-fullname">Full name</label>
            <input id="b-fullname" className="form-control" value={state.meta.fullname}
              onChange={(e) => set({ meta: { ...state.meta, fullname: e.target.value } })} />
          </div>
          <div className="form-group">
            <label htmlFor="b-experiment">Experiment</label>
            <select id="b-experiment" className="form-control" value={state.meta.experiment || ""} disabled={!scope.any}
              onChange={(e) => set({ meta: { ...state.meta, experiment: e.target.value || null } })}>
              <option value="">(none: every user)</option>
              {experiments.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </div>
        </div>
      </section>

      {problems && (
        <div className="alert alert-danger builder-problems" role="alert">
          <p>Not saved: {problems.message}</p>
          {problems.errors.length > 0 && (
            <ul>
              {problems.errors.map((e) => (
                <li key={`${e.field.join(".")}-${e.message}`}>
                  <code>{e.field.join(".") || "(whole definition)"}</code>: {e.message}
                  {fieldOfError(state.fields, e.field) && (
                    <> {" "}<button type="button" className="btn btn-small"
                      onClick={() => { setTab("Fields"); setSelected(fieldOfError(state.fields, e.field).id); }}>
                      Show the field</button></>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {savedVersion && grantsProblem && (
        <div className="alert alert-warning builder-grants-problem" role="alert">
          <p>Saved {savedVersion.name} v{savedVersion.version}, but not its grants: {grantsProblem.message}</p>
          <p>Correct them under Access and retry; the version itself is saved and stays as it is.</p>
          <p className="actions">
            <button type="button" className="btn btn-primary" disabled={busy} onClick={save}>Retry the grants</button>
            <button type="button" className="btn" onClick={() => onSaved(savedVersion)}>Leave without them</button>
          </p>
        </div>
      )}
      {built.error && <p className="alert alert-warning" role="alert">{built.error}</p>}

      <div className="builder-layout">
        <div className="builder-main">
          <div className="tabs" role="tablist" aria-label="Builder parts">
            {TABS.map((t) => (
              <button key={t} type="button" role="tab" aria-selected={tab === t} className={`tab${tab === t ? " active" : ""}`}
                onClick={() => setTab(t)}>{t}</button>
            ))}
          </div>
          {tab === "Fields" && (
            <div className="fields-grid" role="tabpanel" aria-label="Fields">
              <FieldTree fields={state.fields} selected={selected} errors={fieldErrors}
                onSelect={setSelected} onAdd={add} onRemove={remove}
                onMove={(id, parentId, index) => setFields((f) => moveField(f, id, parentId, index))}
                onNudge={(id, direction) => setFields((f) => nudge(f, id, direction))} />
              <FieldEditor key={selected || "none"} node={node} siblings={at ? at.list : []} refs={refs}
                error={node ? fieldErrors[node.id] : null} onChange={change} />
            </div>
          )}
          {tab === "Layout" && <LayoutPart state={state} set={set} />}
          {tab === "Search" && (
            <SearchPart state={state} set={set} terms={terms} />
          )}
          {tab === "Settings" && (
            <div role="tabpanel" aria-label="Settings" className="panel">
              <div className="form-group">
                <label htmlFor="b-pid">PID format (e.g. <code>CMS-STATS-{"{year}-{counter:04d}"}</code>; empty: the default)</label>
                <input id="b-pid" className="form-control" value={state.pidFormat} onChange={(e) => set({ pidFormat: e.target.value })} />
              </div>
              {[["reviewable", "Reviewable (drafts and records take reviews)", state.reviewable, (v) => set({ reviewable: v })],
                ["is_indexed", "Searchable (indexed)", state.meta.is_indexed, (v) => set({ meta: { ...state.meta, is_indexed: v } })],
                ["use_deposit_as_record", "Records use the deposit schema", state.meta.use_deposit_as_record, (v) => set({ meta: { ...state.meta, use_deposit_as_record: v } })],
                ["allow_all", "Every user may read the type", state.meta.allow_all, (v) => set({ meta: { ...state.meta, allow_all: v } })],
              ].map(([id, label, value, onChange]) => (
                <label key={id} className="checkbox block">
                  <input type="checkbox" checked={value} onChange={(e) => onChange(e.target.checked)} /> {label}
                </label>
              ))}
              <div className="form-group">
                <label htmlFor="b-notifications">Notifications (<code>config.notifications</code>, JSON)</label>
                <textarea id="b-notifications" className="form-control code" rows={10} value={state.notifications}
                  onChange={(e) => set({ notifications: e.target.value })}
                  placeholder='{"actions": {"publish": [{"subject": {"template": "Published: {{ title }}"}, ...}]}}' />
              </div>
            </div>
          )}
          {tab === "Access" && (
            <GrantsPart state={state} set={set} previous={previous} errors={grantsProblem ? grantsProblem.errors : []} />
          )}
        </div>
        <Preview schema={preview.deposit_schema} uiSchema={preview.deposit_options} />
      </div>

      {review && (
        <div className="dialog-backdrop">
          <div className="dialog panel" role="dialog" aria-modal="true" aria-label="Review the changes">
            <h2>{previous ? `Changes from v${previous.version}` : "The new type"}</h2>
            {previous ? (
              review.length ? (
                <table className="diff-table">
                  <thead><tr><th>Where</th><th>Change</th><th>Was</th><th>Becomes</th></tr></thead>
                  <tbody>
                    {review.map((d) => (
                      <tr key={d.path.join(".")} className={`diff-${d.op}`}>
                        <td><code>{d.path.join(".")}</code></td><td>{d.op}</td>
                        <td><code>{short(d.old)}</code></td><td><code>{short(d.new)}</code></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : <p>Nothing changed but the version.</p>
            ) : <p>{state.fields.length} top-level fields; no earlier version to compare with.</p>}
            <p className="actions">
              <button type="button" className="btn" onClick={() => setReview(null)}>Back to the builder</button>
              <button type="button" className="btn btn-primary" disabled={busy} onClick={save}>
                Save {state.meta.name} v{state.meta.version}</button>
            </p>
          </div>
        </div>
      )}
    </div>
  );
}

// Sections, order and tabs of the form (the root of `deposit_options`);
// conditions are set on each field.
function LayoutPart({ state, set }) {
  const { layout } = state;
  const setLayout = (changes) => set({ layout: { ...layout, ...changes } });
  const groupOf = (key) => layout.groups.findIndex((g) => g.fields.includes(key));
  function assign(key, index) {
    setLayout({
      groups: layout.groups.map((g, i) => ({
        ...g, fields: i === index ? [...g.fields.filter((k) => k !== key), key] : g.fields.filter((k) => k !== key),
      })),
    });
  }
  return (
    <div role="tabpanel" aria-label="Layout" className="panel layout-part">
      <p>The form shows the fields in the tree's order (drag them, or use the arrows); each group
        of fields is a section. A field shown only when another has some value is set on the field
        (Fields: <em>Show only when</em>). Stored as the definition's <code>deposit_options</code>.</p>
      <label className="checkbox block">
        <input type="checkbox" checked={layout.tabs} onChange={(e) => setLayout({ tabs: e.target.checked })} />
        {" "}Show the top-level fields as tabs
      </label>
      {layout.tabs && (
        <>
          <p className="muted">Each top-level field is a tab of its own, unless gathered with others in a tab below.</p>
          <h3>Tabs</h3>
          {layout.groups.map((g, i) => (
            <div className="row-edit" key={`group-${i}`} role="group" aria-label={`Tab ${i + 1}`}>
              <input className="form-control" aria-label="Tab title" value={g.title} placeholder="title"
                onChange={(e) => setLayout({ groups: layout.groups.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)) })} />
              <button type="button" className="btn btn-small" aria-label={`Remove tab ${g.title || i + 1}`}
                onClick={() => setLayout({ groups: layout.groups.filter((_, j) => j !== i) })}>✕</button>
            </div>
          ))}
          <button type="button" className="btn" onClick={() => setLayout({ groups: [...layout.groups, { id: "", title: "", fields: [] }] })}>
            Add a tab</button>
          <table className="layout-table">
            <thead><tr><th>Top-level field</th><th>Tab</th></tr></thead>
            <tbody>
              {state.fields.filter((f) => f.key).map((f) => (
                <tr key={f.id}>
                  <td>{f.title || f.key} <code>{f.key}</code></td>
                  <td>
                    <select className="form-control" aria-label={`Tab of ${f.key}`} value={groupOf(f.key)}
                      onChange={(e) => assign(f.key, Number(e.target.value))}>
                      <option value={-1}>(a tab of its own)</option>
                      {layout.groups.map((g, i) => <option key={`o-${i}`} value={i}>{g.title || `Tab ${i + 1}`}</option>)}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function SearchPart({ state, set, terms }) {
  const row = (list, key, i, changes) => set({ [key]: list.map((r, j) => (j === i ? { ...r, ...changes } : r)) });
  return (
    <div role="tabpanel" aria-label="Search" className="panel">
      <h3>Facets</h3>
      <datalist id="term-fields">{terms.map((t) => <option key={t} value={t} />)}</datalist>
      {state.facets.map((f, i) => (
        <div className="row-edit" key={`facet-${i}`} role="group" aria-label={`Facet ${i + 1}`}>
          <input className="form-control" aria-label="Facet name" value={f.name} placeholder="name"
            onChange={(e) => row(state.facets, "facets", i, { name: e.target.value })} />
          <input className="form-control" aria-label="Facet field" list="term-fields" value={f.field} placeholder="field"
            onChange={(e) => row(state.facets, "facets", i, { field: e.target.value })} />
          <input className="form-control narrow" aria-label="Facet size" type="number" min="1" value={f.size}
            onChange={(e) => row(state.facets, "facets", i, { size: e.target.value })} />
          <button type="button" className="btn btn-small" aria-label={`Remove facet ${f.name}`}
            onClick={() => set({ facets: state.facets.filter((_, j) => j !== i) })}>✕</button>
        </div>
      ))}
      <button type="button" className="btn" onClick={() => set({ facets: [...state.facets, { name: "", field: terms[0] || "", size: 10 }] })}>Add a facet</button>
      <h3>Sort options</h3>
      {state.sorts.map((s, i) => (
        <div className="row-edit" key={`sort-${i}`} role="group" aria-label={`Sort option ${i + 1}`}>
          <input className="form-control" aria-label="Sort name" value={s.name} placeholder="name"
            onChange={(e) => row(state.sorts, "sorts", i, { name: e.target.value })} />
          <input className="form-control" aria-label="Sort field" list="term-fields" value={s.field} placeholder="field"
            onChange={(e) => row(state.sorts, "sorts", i, { field: e.target.value })} />
          <button type="button" className="btn btn-small" aria-label={`Remove sort option ${s.name}`}
            onClick={() => set({ sorts: state.sorts.filter((_, j) => j !== i) })}>✕</button>
        </div>
      ))}
      <button type="button" className="btn" onClick={() => set({ sorts: [...state.sorts, { name: "", field: terms[0] || "" }] })}>Add a sort option</button>
      <h3>Search mapping</h3>
      <p className="muted">
        {state.mappingEdited ? "Edited by hand: field changes no longer update it."
          : "Generated from the fields (texts searched by word, other strings as exact terms); edit it to take it over."}
      </p>
      <textarea className="form-control code" rows={14} aria-label="Search mapping (JSON)"
        value={state.mappingEdited ? state.mapping : JSON.stringify(generateMapping(state.fields), null, 2)}
        onChange={(e) => set({ mapping: e.target.value, mappingEdited: true })} />
      {state.mappingEdited && (
        <button type="button" className="btn" onClick={() => set({ mappingEdited: false, mapping: "" })}>Generate it from the fields again</button>
      )}
    </div>
  );
}

function GrantsPart({ state, set, previous, errors }) {
  const [current, setCurrent] = useState(null);
  const row = (i, changes) => set({ grants: state.grants.map((g, j) => (j === i ? { ...g, ...changes } : g)) });
  function load() {
    api(`jsonschemas/${encodeURIComponent(previous.name)}/permissions`)
      .then(({ data }) => setCurrent(data)).catch((error) => setCurrent({ error: errorText(error) }));
  }
  return (
    <div role="tabpanel" aria-label="Access" className="panel">
      <p>Schema-level grants hold for every version of the type; those below are added when it is saved.</p>
      {previous && !current && <button type="button" className="btn" onClick={load}>Show the current grants</button>}
      {current && current.error && <p className="alert alert-danger">{current.error}</p>}
      {current && !current.error && (
        <ul className="grants">
          {Object.entries(current).flatMap(([prefix, levels]) => Object.entries(levels)
            .filter(([, who]) => who.users.length || who.roles.length)
            .map(([level, who]) => (
              <li key={`${prefix}-${level}`}><code>{prefix}-schema-{level}</code>: {[...who.users, ...who.roles].join(", ")}</li>
            )))}
        </ul>
      )}
      {state.grants.map((g, i) => (
        <div className="row-edit" key={`grant-${i}`} role="group" aria-label={`Grant ${i + 1}`}>
          <select className="form-control narrow" aria-label="Grant to" value={g.type} onChange={(e) => row(i, { type: e.target.value })}>
            <option value="egroup">e-group</option>
            <option value="user">user</option>
          </select>
          <input className="form-control" aria-label="E-group or email" value={g.who} onChange={(e) => row(i, { who: e.target.value })}
            aria-invalid={errors.some((e) => fieldPath(e.field).startsWith(`${i}.`)) ? true : undefined} />
          <select className="form-control" aria-label="Right" value={g.action} onChange={(e) => row(i, { action: e.target.value })}>
            {SCHEMA_ACTIONS.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
          <button type="button" className="btn btn-small" aria-label="Remove this grant"
            onClick={() => set({ grants: state.grants.filter((_, j) => j !== i) })}>✕</button>
        </div>
      ))}
      <button type="button" className="btn" onClick={() => set({ grants: [...state.grants, { type: "egroup", who: "", action: "deposit-schema-read" }] })}>Add a grant</button>
    </div>
  );
}
