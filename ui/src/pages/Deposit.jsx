import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { draftErrorSchema, publishProblems } from "../validator.js";
import { api, sameOrigin } from "../api.js";
import Files from "../components/Files.jsx";
import DepositForm from "../components/DepositForm.jsx";
import Publish from "../components/Publish.jsx";
import ReviewPanel, { PublishedReviews } from "../components/ReviewPanel.jsx";
import Repositories from "../components/Repositories.jsx";
import Share from "../components/Share.jsx";
import Workflows from "../components/Workflows.jsx";
import { normalised } from "../schema.js";
import {
  draftUrl, errorText, fieldLabel, fmtDate, inlineErrors, mergeErrors, recordUrl, schemaAt, titleOf,
} from "../util.js";
import { dropLocal, readLocal, writeLocal } from "../unsaved.js";

const AUTOSAVE_MS = 1200;
const RETRY_MS = 5000;
// The editor saves what validates and hears what it left out (RFC 7240).
const LENIENT = "handling=lenient";

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// The drafts refused values clash with (a CADI id another draft holds):
// [{field, id, title, url}], title null for a draft the reader cannot see.
async function holdersOf(items) {
  const named = items.filter((e) => e.draft);
  return Promise.all(named.map(async (e) => {
    try {
      const { data } = await api(`deposits/${encodeURIComponent(e.draft)}`, { accept: "application/basic+json" });
      return { field: e.field, id: e.draft, title: titleOf(data.metadata) || "(untitled draft)", url: draftUrl(e.draft) };
    } catch {
      return { field: e.field, id: e.draft, title: null, url: null };
    }
  }));
}

// "Not saved: <what>" of field errors, each by its form label.
function notSavedText(schema, items) {
  return items.map((e) => `${fieldLabel(schema, e.field)}: ${e.message}`).join("; ");
}

export default function Deposit({ pid, emptyFileMessage }) {
  const [deposit, setDeposit] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [formData, setFormData] = useState(null);
  const [saveState, setSaveState] = useState("saved");
  const [saveError, setSaveError] = useState(null);
  // Field errors of the last save (values it left out, values publish
  // would refuse), shown under their form fields.
  const [serverErrors, setServerErrors] = useState(null);
  // What the last publish attempt found missing or invalid, under the fields.
  const [publishErrors, setPublishErrors] = useState(null);
  const [conflict, setConflict] = useState(false);
  const [dialog, setDialog] = useState(null);
  // Changes kept in this browser from an older revision: offered, not applied.
  const [restorable, setRestorable] = useState(null);
  const [holders, setHolders] = useState([]);
  const etag = useRef(null);
  const revision = useRef(null);
  const pending = useRef(null);
  // Whether the server lacks something the form shows (pending or refused).
  const unsaved = useRef(false);
  // Why the last save failed, for the publish step (state is a render late).
  const lastError = useRef(null);
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

  const save = useCallback(() => {
    clearTimeout(timer.current);
    const data = pending.current;
    if (!data || conflict) return saving.current;
    pending.current = null;
    saving.current = saving.current.then(async () => {
      setSaveState("saving");
      try {
        const resp = await api(url, {
          method: "PUT", body: data, headers: { "If-Match": etag.current, Prefer: LENIENT },
        });
        etag.current = resp.etag || `"${resp.data.revision}"`;
        revision.current = resp.data.revision;
        setDeposit((d) => ({ ...d, ...resp.data, schemas: d.schemas, can_update: d.can_update, can_admin: d.can_admin }));
        const refused = resp.data.not_saved || [];
        holdersOf(refused).then(setHolders);
        const shown = draftErrorSchema(schemaRef.current, data);
        setServerErrors(inlineErrors([...refused, ...(resp.data.errors || [])], shown));
        if (pending.current) {
          writeLocal(pid, revision.current, pending.current);
          setSaveState("unsaved");
        } else if (refused.length) {
          writeLocal(pid, revision.current, data);
          unsaved.current = true;
          setSaveState("refused");
          lastError.current = notSavedText(schemaRef.current, refused);
          setSaveError(lastError.current);
        } else {
          dropLocal(pid);
          unsaved.current = false;
          setSaveState("saved");
          setSaveError(null);
        }
      } catch (err) {
        unsaved.current = true;
        if (err.status === 412) {
          lastError.current = "this draft was changed elsewhere";
          setConflict(true);
          setSaveState("conflict");
          return;
        }
        pending.current = pending.current || data;
        setSaveState("error");
        lastError.current = errorText(err) || "the server did not answer";
        setSaveError(lastError.current);
        const shown = draftErrorSchema(schemaRef.current, data);
        setServerErrors(inlineErrors(err.body && err.body.errors, shown));
        if (!err.status || err.status >= 500) timer.current = setTimeout(() => save(), RETRY_MS);
      }
    });
    return saving.current;
  }, [url, pid, conflict]);

  // Keep the change in this browser first, then save it after a pause.
  const change = useCallback((next) => {
    dataRef.current = next;
    setFormData(next);
    pending.current = next;
    unsaved.current = true;
    writeLocal(pid, revision.current, next);
    setSaveState("unsaved");
    setPublishErrors((old) => old && inlineErrors(publishProblems(schemaRef.current, next), draftErrorSchema(schemaRef.current, next)));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => save(), AUTOSAVE_MS);
  }, [pid, save]);

  const load = useCallback(async () => {
    try {
      const { data, etag: tag } = await api(url, { accept: "application/form+json" });
      etag.current = tag || `"${data.revision}"`;
      revision.current = data.revision;
      schemaRef.current = data.schemas.schema || {};
      dataRef.current = data.metadata;
      pending.current = null;
      unsaved.current = false;
      setDeposit(data);
      setFormData(data.metadata);
      setSaveState("saved");
      setSaveError(null);
      setServerErrors(null);
      setConflict(false);
      document.title = `${titleOf(data.metadata) || "Draft"} · CAP`;
      const local = readLocal(pid);
      if (!local || same(local.data, data.metadata) || !data.can_update) {
        if (local) dropLocal(pid);
        setRestorable(null);
      } else if (local.revision === data.revision) {
        change(local.data); // the server never had them: save them now
      } else {
        setRestorable(local);
      }
    } catch (err) {
      setLoadError(err);
    }
  }, [url, pid, change]);

  // Once per draft: `load` changes with `save` (conflict state), a reload is the user's call.
  useEffect(() => { load(); }, [url]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const warn = (e) => { if (unsaved.current) { e.preventDefault(); e.returnValue = ""; } };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  function onChange({ formData: next }) {
    if (!deposit.can_update) return;
    const clean = normalised(schemaRef.current, next);
    if (same(clean, dataRef.current)) return;
    change(clean);
  }

  changeRef.current = onChange;

  // Publishing starts with a save; false (and says why) when it fails.
  async function saveFirst() {
    if (dataRef.current && !same(dataRef.current, deposit.metadata)) pending.current = dataRef.current;
    await save();
    return !unsaved.current;
  }

  // A published analysis's draft goes back to what was published; a draft
  // never published is deleted. Both after a confirmation.
  async function discard() {
    const question = deposit.recid
      ? `Throw away every change made since ${deposit.recid} was published?`
      : "Delete this draft and its files? This cannot be undone.";
    if (!window.confirm(question)) return;
    clearTimeout(timer.current);
    pending.current = null;
    unsaved.current = false;
    dropLocal(pid);
    try {
      if (deposit.recid) {
        await api(sameOrigin(deposit.links.discard), { method: "POST" });
        window.location.assign(recordUrl(deposit.recid));
      } else {
        await api(url, { method: "DELETE" });
        window.location.assign("/");
      }
    } catch (err) {
      setSaveState("error");
      setSaveError(`the draft was not discarded (${errorText(err)})`);
    }
  }

  // Every missing or invalid field under its field; the first scrolled to.
  function showProblems(problems) {
    setPublishErrors(inlineErrors(problems, draftErrorSchema(schemaRef.current, dataRef.current)));
    if (problems.length) goTo(problems[0].field);
  }

  // Scroll to a field and highlight it (after the errors rendered).
  function goTo(field) {
    // A data attribute, not a class: React re-renders the field's classes.
    setTimeout(() => {
      const id = ["field", ...field].join("_");
      const input = document.getElementById(id);
      const box = (input && (input.closest(".form-group") || input)) || document.getElementById(`${id}__error`);
      if (!box) return;
      box.scrollIntoView({ block: "center" });
      clearHighlight();
      box.setAttribute("data-highlight", "");
      if (input && input.focus) input.focus({ preventScroll: true });
    }, 50);
  }

  if (loadError) {
    return <p className="alert alert-danger" role="alert">Cannot open this draft: {errorText(loadError)}</p>;
  }
  if (!deposit) return <p className="loading">Loading…</p>;

  const schemaInfo = deposit.schema || {};
  const status = {
    saved: "Saved",
    saving: "Saving…",
    unsaved: "Unsaved changes",
    refused: `Not saved: ${saveError} (everything else is saved)`,
    error: `Not saved: ${saveError}`,
    conflict: "Not saved: this draft was changed elsewhere",
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
            <button type="button" className="btn" onClick={() => { pending.current = dataRef.current; save(); }}>Save now</button>
          )}
          {deposit.can_admin && (
            <button type="button" className="btn" onClick={() => setDialog("share")}>Share…</button>
          )}
          {(deposit.recid ? deposit.can_update : deposit.can_admin) && (
            <button type="button" className="btn" onClick={discard}>Discard draft…</button>
          )}
          {deposit.can_admin && (
            <button type="button" className="btn btn-primary" onClick={() => setDialog("publish")}>Publish…</button>
          )}
        </div>
      </header>
      {!deposit.can_update && (
        <p className="alert alert-info read-only-banner" role="note">
          You can read this draft but not change it: ask its owner for the edit right.
        </p>
      )}
      {restorable && (
        <div className="alert alert-warning restore" role="alert">
          This browser kept changes you made on {fmtDate(restorable.at)} that the server never
          saved, made on an older version of this draft.
          {" "}<button type="button" className="btn" onClick={() => { setRestorable(null); change(restorable.data); }}>
            Restore my changes</button>
          {" "}<button type="button" className="btn" onClick={() => { dropLocal(pid); setRestorable(null); }}>
            Discard them</button>
        </div>
      )}
      {holders.length > 0 && (
        <div className="alert alert-warning holders" role="alert">
          {holders.map((h) => (
            <p key={`${h.id}-${h.field.join(".")}`}>
              {fieldLabel(schemaRef.current, h.field)}: already held by
              {h.title ? <> the draft <a href={h.url}>{h.title}</a>: ask its owners to share it with you.</>
                : <> a draft you cannot see: ask the analysis conveners to share it with you.</>}
            </p>
          ))}
        </div>
      )}
      {conflict && (
        <div className="alert alert-danger conflict" role="alert">
          This draft was changed somewhere else (another tab or a colleague) since you opened it,
          so your last changes were not saved. Reload to get the latest version: this browser keeps
          your changes and offers to restore them.
          {" "}<button type="button" className="btn" onClick={load}>Reload the draft</button>
        </div>
      )}
      {dialog === "share" && <Share deposit={deposit} onClose={() => setDialog(null)}
        onChange={(d) => setDeposit((old) => ({ ...old, access: d.access }))} />}
      {dialog === "publish" && (
        <Publish deposit={deposit} onClose={() => { setDialog(null); setPublishErrors(null); clearHighlight(); }}
          saveFirst={saveFirst} saveError={() => lastError.current}
          check={() => publishProblems(schemaRef.current, dataRef.current || {})}
          label={(field) => fieldLabel(schemaRef.current, field)}
          onProblems={showProblems} onGoTo={goTo} />
      )}
      <div className="editor-layout">
        <section className="panel editor" aria-label="Metadata">
          <DepositForm
            schema={deposit.schemas.schema}
            uiSchema={deposit.schemas.uiSchema}
            formData={formData}
            formContext={formContext}
            onChange={onChange}
            extraErrors={mergeErrors(serverErrors, publishErrors)}
            disabled={!deposit.can_update || conflict}
          />
        </section>
        <div className="side-panels">
          {/* Reviews first: on a long questionnaire the form would hide them. */}
          <ReviewPanel kind="deposits" target={deposit} key={deposit.id} />
          {deposit.recid && <PublishedReviews recid={deposit.recid} />}
          <Files deposit={deposit} canUpdate={deposit.can_update} emptyFileMessage={emptyFileMessage}
            onChange={(files) => setDeposit((d) => ({ ...d, files }))} />
          <Repositories deposit={deposit} canUpdate={deposit.can_update}
            onFiles={(files) => setDeposit((d) => ({ ...d, files }))} />
          <Workflows deposit={deposit} onFilesChanged={(files) => setDeposit((d) => ({ ...d, files }))} />
        </div>
      </div>
    </div>
  );
}

// The publish step's highlight of a field goes with the step.
function clearHighlight() {
  document.querySelectorAll("[data-highlight]").forEach((n) => n.removeAttribute("data-highlight"));
}
