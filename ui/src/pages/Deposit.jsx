import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import Form from "@rjsf/core";
import validator from "../validator.js";
import { api } from "../api.js";
import Files from "../components/Files.jsx";
import Publish from "../components/Publish.jsx";
import Share from "../components/Share.jsx";
import SuggestField, { withSuggestFields } from "../components/Suggest.jsx";
import { lenient } from "../schema.js";
import { errorText, fmtDate, inlineErrors, recordUrl, titleOf } from "../util.js";

const AUTOSAVE_MS = 1200;
const FIELDS = { suggest: SuggestField };

// The JSON schema of the object at `path` (array indexes step into items).
function schemaAt(schema, path) {
  let node = schema;
  for (const key of path) {
    if (!node) return undefined;
    node = typeof key === "number" || /^\d+$/.test(String(key)) ? node.items : (node.properties || {})[key];
  }
  return node;
}

export default function Deposit({ pid }) {
  const [deposit, setDeposit] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [formData, setFormData] = useState(null);
  const [saveState, setSaveState] = useState("saved");
  const [saveError, setSaveError] = useState(null);
  // The last refused save's field errors, shown under their form fields.
  const [serverErrors, setServerErrors] = useState(null);
  const [conflict, setConflict] = useState(false);
  const [dialog, setDialog] = useState(null);
  const etag = useRef(null);
  const pending = useRef(null);
  const timer = useRef(null);
  const saving = useRef(Promise.resolve());
  const url = `deposits/${encodeURIComponent(pid)}`;
  const dataRef = useRef(null);
  const schemaRef = useRef(null);
  const changeRef = useRef(null);
  // What autocomplete fields may read and change beyond their own value.
  const formContext = useMemo(() => ({
    getFormData: () => dataRef.current || {},
    update: (fn) => changeRef.current({ formData: fn(structuredClone(dataRef.current || {})) }),
    workingGroups: (parentPath) => {
      const node = schemaAt(schemaRef.current, [...parentPath, "cms_working_group"]);
      return (node && node.enum) || [];
    },
  }), []);

  const load = useCallback(async () => {
    try {
      const { data, etag: tag } = await api(url, { accept: "application/form+json" });
      etag.current = tag || `"${data.revision}"`;
      data.schemas.schema = lenient(data.schemas.schema || {});
      schemaRef.current = data.schemas.schema;
      dataRef.current = data.metadata;
      setDeposit(data);
      setFormData(data.metadata);
      setSaveState("saved");
      setConflict(false);
      document.title = `${titleOf(data.metadata) || "Draft"} · CAP`;
    } catch (err) {
      setLoadError(err);
    }
  }, [url]);

  useEffect(() => { load(); }, [load]);

  const save = useCallback(() => {
    clearTimeout(timer.current);
    const data = pending.current;
    if (!data || conflict) return saving.current;
    pending.current = null;
    saving.current = saving.current.then(async () => {
      setSaveState("saving");
      try {
        const resp = await api(url, { method: "PUT", body: data, headers: { "If-Match": etag.current } });
        etag.current = resp.etag || `"${resp.data.revision}"`;
        setDeposit((d) => ({ ...d, ...resp.data, schemas: d.schemas, can_update: d.can_update, can_admin: d.can_admin }));
        setSaveState(pending.current ? "unsaved" : "saved");
        setSaveError(null);
        setServerErrors(null);
      } catch (err) {
        if (err.status === 412) {
          setConflict(true);
          setSaveState("conflict");
        } else {
          pending.current = pending.current || data;
          setSaveState("error");
          setSaveError(err);
          const shown = schemaRef.current && validator.validateFormData(data, schemaRef.current).errorSchema;
          setServerErrors(inlineErrors(err.body && err.body.errors, shown));
        }
      }
    });
    return saving.current;
  }, [url, conflict]);

  useEffect(() => {
    const warn = (e) => { if (pending.current) { e.preventDefault(); e.returnValue = ""; } };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  function onChange({ formData: next }) {
    dataRef.current = next;
    setFormData(next);
    if (!deposit.can_update) return;
    pending.current = next;
    setSaveState("unsaved");
    clearTimeout(timer.current);
    timer.current = setTimeout(save, AUTOSAVE_MS);
  }

  changeRef.current = onChange;
  const uiSchema = useMemo(
    () => withSuggestFields((deposit && deposit.schemas.uiSchema) || {}),
    [deposit && deposit.schemas.uiSchema],
  );

  if (loadError) {
    return <p className="alert alert-danger" role="alert">Cannot open this draft: {errorText(loadError)}</p>;
  }
  if (!deposit) return <p className="loading">Loading…</p>;

  const schemaInfo = deposit.schema || {};
  const status = {
    saved: "All changes saved",
    saving: "Saving…",
    unsaved: "Unsaved changes",
    error: `Not saved: ${errorText(saveError)}`,
    conflict: "Not saved: conflict",
  }[saveState];

  return (
    <div className="deposit-page">
      <header className="page-head">
        <div>
          <h1>{titleOf(formData) || <em>(untitled draft)</em>}</h1>
          <p className="muted">
            {schemaInfo.fullname || schemaInfo.name} v{schemaInfo.version} · draft {deposit.id}
            {deposit.recid && <> · published as <a href={recordUrl(deposit.recid)}>{deposit.recid}</a></>}
            {" "}· updated {fmtDate(deposit.updated)}
          </p>
        </div>
        <div className="actions">
          <span className={`save-state save-${saveState}`} role="status" aria-live="polite">{status}</span>
          {deposit.can_update && (
            <button type="button" className="btn" onClick={() => save()}>Save now</button>
          )}
          {deposit.can_admin && (
            <button type="button" className="btn" onClick={() => setDialog("share")}>Share…</button>
          )}
          {deposit.can_admin && (
            <button type="button" className="btn btn-primary" onClick={() => setDialog("publish")}>Publish…</button>
          )}
        </div>
      </header>
      {conflict && (
        <div className="alert alert-danger conflict" role="alert">
          This draft was changed somewhere else (another tab or a colleague) since you opened it,
          so your last changes were not saved. Reload to get the latest version; copy anything you
          want to keep first.
          {" "}<button type="button" className="btn" onClick={load}>Reload the draft</button>
        </div>
      )}
      {dialog === "share" && <Share deposit={deposit} onClose={() => setDialog(null)}
        onChange={(d) => setDeposit((old) => ({ ...old, access: d.access }))} />}
      {dialog === "publish" && <Publish deposit={deposit} onClose={() => setDialog(null)} beforePublish={save} />}
      <div className="editor-layout">
        <section className="panel editor" aria-label="Metadata">
          <Form
            schema={deposit.schemas.schema}
            uiSchema={{ ...uiSchema, "ui:submitButtonOptions": { norender: true } }}
            formData={formData}
            fields={FIELDS}
            formContext={formContext}
            validator={validator}
            onChange={onChange}
            extraErrors={serverErrors || undefined}
            liveValidate="onChange"
            showErrorList={false}
            noHtml5Validate
            disabled={!deposit.can_update || conflict}
            idPrefix="field"
          />
        </section>
        <Files deposit={deposit} canUpdate={deposit.can_update}
          onChange={(files) => setDeposit((d) => ({ ...d, files }))} />
      </div>
    </div>
  );
}
