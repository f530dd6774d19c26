import { useEffect, useState } from "react";
import { api, sameOrigin } from "../api.js";
import { FileTable } from "../components/Files.jsx";
import { LEVELS, grantees } from "../components/Share.jsx";
import LatexExport, { datasetPaths } from "../components/LatexExport.jsx";
import Notifications from "../components/Notifications.jsx";
import MetadataView from "../components/MetadataView.jsx";
import ExportMenu from "../components/ExportMenu.jsx";
import ZenodoPanel from "../components/ZenodoPanel.jsx";
import PublicControl from "../components/PublicControl.jsx";
import { ReproducibilityBadge } from "../components/Workflows.jsx";
import Revisions from "../components/Revisions.jsx";
import ReviewPanel from "../components/ReviewPanel.jsx";
import { cadiOf, draftUrl, errorText, fmtDate, titleOf } from "../util.js";

export default function Record({ recid }) {
  const [record, setRecord] = useState(null);
  const [error, setError] = useState(null);
  const [schema, setSchema] = useState(null);
  const [uiSchema, setUiSchema] = useState(null);
  const [editError, setEditError] = useState(null);
  // Whether the reader may edit (the draft's own answer says so); null: unknown yet.
  const [canEdit, setCanEdit] = useState(null);
  // The draft's form schema when the reader may read the draft (in form order).
  const [formSchema, setFormSchema] = useState(null);
  // Whether the reader may open or close the record to the world, and push it
  // to Zenodo (the record's own answer says so; other answers, e.g. Zenodo's,
  // do not repeat it).
  const [canOpen, setCanOpen] = useState(false);
  const [canZenodo, setCanZenodo] = useState(false);
  // Whether the reader may read the draft, and so its notification trail;
  // null: unknown yet.
  const [canReadDraft, setCanReadDraft] = useState(null);
  const params = new URLSearchParams(window.location.search);
  const revision = params.get("revision");
  const base = `records/${encodeURIComponent(recid)}`;

  useEffect(() => {
    api(revision ? `${base}?revision=${encodeURIComponent(revision)}` : base)
      .then(({ data }) => {
        setRecord(data);
        setCanOpen(Boolean(data.can_open) && !revision);
        setCanZenodo(Boolean(data.can_zenodo) && !revision);
        document.title = `${titleOf(data.metadata) || data.recid} · CAP`;
        const s = data.schema;
        if (s && s.name) {
          api(`jsonschemas/${encodeURIComponent(s.name)}/${encodeURIComponent(s.version)}?resolve=true`)
            .then(({ data: def }) => {
              // A type whose record is its deposit has an empty record schema.
              const record = def.record_schema;
              const own = record && record.properties;
              setSchema(own ? record : def.deposit_schema || null);
              setUiSchema((own ? def.record_options : def.deposit_options) || def.deposit_options || null);
            })
            .catch(() => setSchema(null));
        }
      })
      .catch(setError);
  }, [base, revision]);

  useEffect(() => {
    if (!record || !record.draft_id) return;
    api(`deposits/${encodeURIComponent(record.draft_id)}`, { accept: "application/form+json" })
      .then(({ data }) => {
        setCanReadDraft(true);
        setCanEdit(Boolean(data.can_update));
        // The form's own schema and options: the order and labels of the editor.
        if (data.schemas && data.schemas.schema && data.schemas.schema.properties) {
          setFormSchema({ schema: data.schemas.schema, uiSchema: data.schemas.uiSchema });
        }
      })
      .catch(() => {
        setCanReadDraft(false);
        setCanEdit(false);
      });
  }, [record && record.draft_id]);

  async function edit() {
    setEditError(null);
    try {
      await api(`deposits/${encodeURIComponent(record.draft_id)}/actions/edit`, { method: "POST" });
      window.location.assign(draftUrl(record.draft_id));
    } catch (err) {
      // Already a draft again (edited before): just open it.
      if (err.status === 400 || err.status === 409) window.location.assign(draftUrl(record.draft_id));
      else setEditError(err);
    }
  }

  if (error) return <p className="alert alert-danger" role="alert">Cannot open this record: {errorText(error)}</p>;
  if (!record) return <p className="loading">Loading…</p>;
  const s = record.schema || {};
  const datasets = schema ? datasetPaths(record.metadata, schema) : [];
  return (
    <div className="record-page">
      <header className="page-head">
        <div>
          <h1>{titleOf(record.metadata) || record.recid}</h1>
          <p className="muted">
            <span className="badge badge-published">published</span>
            {record.public && <> <span className="badge badge-public">open to the world</span></>}
            {" "}{record.recid} · {s.fullname || s.name} v{s.version}
            {cadiOf(record.metadata) && <> · CADI {cadiOf(record.metadata)}</>}
            {" "}· {record.experiment} · submitted by {(record.created_by && record.created_by.email) || "unknown"}
            {" "}· published {fmtDate(record.created)} · updated {fmtDate(record.updated)}
          </p>
          {revision && <p className="alert alert-info">You are looking at revision {revision}. <a href={window.location.pathname}>See the latest.</a></p>}
        </div>
        <div className="actions">
          {record.draft_id && canEdit && (
            <button type="button" className="btn" onClick={edit}>Edit</button>
          )}
          {canOpen && <PublicControl record={record} onChanged={setRecord} />}
          <a className="btn" href={sameOrigin(record.links.self)}>JSON</a>
          <ExportMenu record={record} />
        </div>
      </header>
      {editError && <p className="alert alert-danger" role="alert">{errorText(editError)}</p>}
      <div className="editor-layout">
        <section className="panel" aria-labelledby="md-title">
          <h2 id="md-title">Metadata</h2>
          <MetadataView metadata={record.metadata}
            schema={(formSchema && formSchema.schema) || schema}
            uiSchema={(formSchema && formSchema.uiSchema) || uiSchema} />
        </section>
        <div>
          <section className="panel" aria-labelledby="rfiles-title">
            <h2 id="rfiles-title">Files</h2>
            <FileTable files={record.files} />
          </section>
          {datasets.length > 0 && (
            <LatexExport paths={datasets} title={titleOf(record.metadata) || record.recid} />
          )}
          <ZenodoPanel record={record} canPublish={canZenodo} onPublished={setRecord} />
          <ReviewPanel kind="records" target={record} key={record.revision} />
          <AccessPanel record={record} />
          <ReproducibilityBadge recid={record.recid} />
          <Revisions base={base} schema={(formSchema && formSchema.schema) || schema}
            uiSchema={(formSchema && formSchema.uiSchema) || uiSchema} />
          {/* Last: it appears once the draft answers, and would otherwise push
              the panels below it down under the reader's pointer. */}
          {record.draft_id && canReadDraft && <Notifications pid={record.draft_id} />}
        </div>
      </div>
    </div>
  );
}

const LEVEL_NAMES = Object.fromEntries(LEVELS);

// Who may read or edit the record, and where that comes from: the whole
// collaboration (published), and the people and e-groups the draft was
// shared with when it was published.
function AccessPanel({ record }) {
  const rows = grantees(record.access, "record-");
  return (
    <section className="panel" aria-labelledby="access-title">
      <h2 id="access-title">Access</h2>
      <p>{record.experiment ? `Every member of ${record.experiment} can read it: it is published.`
        : "Everyone with access to its type can read it: it is published."}</p>
      {rows.length ? (
        <table className="access">
          <thead><tr><th scope="col">Who</th><th scope="col">Kind</th><th scope="col">Role</th><th scope="col">From</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.type}-${r.email}`}>
                <td>{r.email}</td>
                <td>{r.type === "egroup" ? "e-group" : "person"}</td>
                <td>{LEVEL_NAMES[r.level]}</td>
                <td>{r.email === (record.created_by && record.created_by.email) ? "submitter" : "shared on the draft"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="muted">Nobody else has rights of their own.</p>}
      <p className="small muted">Rights of their own come from the draft&apos;s sharing: whoever may
        share the draft changes or revokes them there (Share… on the draft), and the record follows at once.</p>
    </section>
  );
}
