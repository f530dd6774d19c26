import { useCallback, useEffect, useState } from "react";
import { api, sameOrigin } from "../api.js";
import { draftUrl, errorText, fmtDate } from "../util.js";
import "./Workflows.css";

// REANA runs of a draft: create from the draft (its reana.yaml or its
// `workflows` entries), set parameters, start, follow the status live, read
// the logs, see the outputs attached to the draft, rerun with other values.
// The REANA token stays on the server; the browser only talks to CAP.

const FINAL = new Set(["finished", "failed", "stopped", "deleted"]);
const POLL_MS = 2000;

function declared(run) {
  return ((run.specification || {}).inputs || {}).parameters || {};
}

function asValue(text, example) {
  if (typeof example === "number") {
    const number = Number(text);
    return text.trim() !== "" && !Number.isNaN(number) ? number : text;
  }
  if (typeof example === "boolean") return text === "true";
  return text;
}

function Parameters({ run, values, onChange }) {
  const names = Object.keys(declared(run));
  if (!names.length) return <p className="muted">No parameters declared.</p>;
  return (
    <div className="wf-params">
      {names.map((name) => (
        <label key={name}>
          {name}
          <input value={String(values[name] ?? "")}
            onChange={(e) => onChange({ ...values, [name]: asValue(e.target.value, declared(run)[name]) })} />
        </label>
      ))}
    </div>
  );
}

function Run({ run, canRun, onChanged, onError }) {
  const [values, setValues] = useState(run.parameters || {});
  const [logs, setLogs] = useState(null);
  const changed = Object.fromEntries(
    Object.entries(values).filter(([key, value]) => value !== (run.parameters || {})[key]));

  async function act(path, body) {
    onError(null);
    try {
      await api(`workflows/reana/${run.id}/${path}`, { method: "POST", body });
      onChanged();
    } catch (err) {
      onError(err);
    }
  }

  async function showLogs() {
    onError(null);
    try {
      const { data } = await api(`workflows/reana/${run.id}/logs`);
      setLogs(data.logs.workflow_logs || "(no logs yet)");
    } catch (err) {
      onError(err);
    }
  }

  return (
    <li className="wf-run" data-run={run.run_number}>
      <div className="wf-head">
        <strong>{run.name} #{run.run_number}</strong>
        <span className={`badge wf-status wf-${run.status}`} aria-label="Run status">{run.status}</span>
        <span className="muted">{run.engine} · {fmtDate(run.created)}</span>
      </div>
      <p className="muted wf-values">
        {Object.entries(run.parameters || {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ") || "no parameters"}
      </p>
      {canRun && <Parameters run={run} values={values} onChange={setValues} />}
      <div className="wf-actions">
        {canRun && run.status === "created" && (
          <button type="button" className="btn btn-primary btn-small"
            onClick={() => act("start", { parameters: changed })}>Start</button>
        )}
        {canRun && run.status === "running" && (
          <button type="button" className="btn btn-small" onClick={() => act("stop")}>Stop</button>
        )}
        {canRun && FINAL.has(run.status) && (
          <button type="button" className="btn btn-small"
            onClick={() => act("rerun", { parameters: changed })}>Rerun with these parameters</button>
        )}
        <button type="button" className="btn btn-small" onClick={showLogs}>Logs</button>
      </div>
      {run.error && <p className="alert alert-warning">{run.error}</p>}
      {run.outputs && run.outputs.length > 0 && (
        <ul className="wf-outputs" aria-label="Outputs">
          {run.outputs.map((o) => (
            <li key={o.key}><code>{o.key}</code> <span className="muted">{o.checksum}</span></li>
          ))}
        </ul>
      )}
      {logs !== null && <pre className="wf-logs" aria-label="Logs">{logs}</pre>}
    </li>
  );
}

// `onFilesChanged(files)`: the draft's file list, read again while runs are
// live (a finished run's outputs are attached to the draft).
export default function Workflows({ deposit, onFilesChanged }) {
  const [runs, setRuns] = useState(null);
  const [error, setError] = useState(null);
  const entries = (deposit.metadata && deposit.metadata.workflows) || [];
  const [name, setName] = useState((entries[0] && entries[0].name) || "workflow");
  const canRun = Boolean(deposit.can_update);

  const load = useCallback(async () => {
    try {
      const { data } = await api(`workflows/all/record/${deposit.id}`);
      setRuns(data.hits.hits);
    } catch (err) {
      setError(err);
    }
  }, [deposit.id]);

  useEffect(() => { load(); }, [load]);

  // Live status: while a run is queued, pending or running, ask REANA (through CAP).
  useEffect(() => {
    const live = (runs || []).filter((r) => !FINAL.has(r.status) && r.status !== "created");
    if (!live.length) return undefined;
    const timer = setTimeout(async () => {
      try {
        await Promise.all(live.map((r) => api(`workflows/reana/${r.id}/status`)));
        if (onFilesChanged) {
          const { data } = await api(sameOrigin(deposit.links.files));
          onFilesChanged(data);
        }
      } catch (err) {
        setError(err);
      }
      load();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [runs, load, onFilesChanged, deposit.links.files]);

  async function create() {
    setError(null);
    try {
      await api("workflows/reana", { method: "POST", body: { depid: deposit.id, name } });
      load();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="panel" aria-labelledby="wf-title">
      <h2 id="wf-title">Workflows</h2>
      {canRun && (
        <div className="wf-create">
          <label>
            Workflow name
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="button" className="btn btn-primary btn-small" onClick={create}>
            Create on REANA
          </button>
        </div>
      )}
      {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
      {runs === null ? <p className="muted">Loading…</p> : !runs.length ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <ol className="wf-runs">
          {runs.map((run) => (
            <Run key={`${run.id}-${run.status}`} run={run} canRun={canRun} onChanged={load} onError={setError} />
          ))}
        </ol>
      )}
    </section>
  );
}

// The record's reproducibility badge: "reproduced on <date>" or what differs;
// the rerun only for whom the badge's answer says may (`can_reproduce`).
export function ReproducibilityBadge({ recid }) {
  const [badge, setBadge] = useState(null);
  const [error, setError] = useState(null);

  const load = useCallback(async () => {
    try {
      const { data } = await api(`workflows/reproduce/${recid}`);
      setBadge(data);
    } catch (err) {
      setError(err);
    }
  }, [recid]);

  useEffect(() => { load(); }, [load]);

  useEffect(() => {
    if (!badge || badge.status !== "running") return undefined;
    const timer = setTimeout(async () => {
      try {
        await api(`workflows/reana/${badge.workflow.id}/status`);
      } catch (err) {
        setError(err);
      }
      load();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [badge, load]);

  async function check() {
    setError(null);
    try {
      await api(`workflows/reproduce/${recid}`, { method: "POST" });
      load();
    } catch (err) {
      setError(err);
    }
  }

  if (!badge) return null;
  return (
    <section className="panel" aria-labelledby="repro-title">
      <h2 id="repro-title">Reproducibility</h2>
      {badge.status === "reproduced" && (
        <p><span className="badge wf-status wf-finished">reproduced on {fmtDate(badge.date)}</span></p>
      )}
      {badge.status === "differs" && (
        <>
          <p><span className="badge wf-status wf-failed">differs (rerun {fmtDate(badge.date)})</span></p>
          <ul className="wf-outputs">
            {badge.differences.map((d) => (
              <li key={d.file}><code>{d.file}</code>: {d.reason}
                {d.values && ` (${d.values.map((v) => v.path).join(", ")})`}</li>
            ))}
          </ul>
        </>
      )}
      {badge.status === "running" && <p><span className="badge wf-status wf-running">rerun in progress</span></p>}
      {["never", "failed", "stopped"].includes(badge.status) && (
        <p className="muted">{badge.status === "never" ? "Never rerun." : `Last rerun ${badge.status}.`}</p>
      )}
      {badge.can_reproduce && (
        <button type="button" className="btn btn-small" onClick={check}>Rerun and compare</button>
      )}
      {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
    </section>
  );
}

// The dashboard's list of my REANA runs, newest first, each linking to its draft.
export function MyRuns() {
  const [runs, setRuns] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api("workflows/reana").then(({ data }) => setRuns(data.hits.hits)).catch(setError);
  }, []);
  return (
    <section className="panel dash-panel" aria-label="My workflow runs">
      <header className="panel-head"><h2>My workflow runs</h2></header>
      {error ? <p className="alert alert-danger">{errorText(error)}</p>
        : runs === null ? <p className="muted">Loading…</p>
          : !runs.length ? <p className="muted">You have not run a workflow yet.</p> : (
            <ul className="wf-mine">
              {runs.slice(0, 10).map((run) => (
                <li key={run.id}>
                  <a href={draftUrl(run.depid)}>{run.name} #{run.run_number}</a>{" "}
                  <span className={`badge wf-status wf-${run.status}`}>{run.status}</span>
                  {run.recid && <span className="muted"> reproduction of {run.recid}</span>}
                </li>
              ))}
            </ul>
          )}
    </section>
  );
}
