// The live preview: the deposit form itself, drawn from the definition being
// built, with the validation a depositor gets (as they type, and the
// publish check). `$ref`s to registered types are inlined from the registry.
import { Component, useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api.js";
import DepositForm from "../components/DepositForm.jsx";
import { inlineErrors, schemaAt } from "../util.js";
import { draftErrorSchema, publishProblems } from "../validator.js";

const REF = /\/schemas\/deposits\/records\/(.+)-v(\d+\.\d+\.\d+)\.json$/;

function refsIn(node, out = new Set()) {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === "object") {
    if (typeof node.$ref === "string" && REF.test(node.$ref)) out.add(node.$ref);
    Object.values(node).forEach((n) => refsIn(n, out));
  }
  return out;
}

function inline(node, resolved) {
  if (Array.isArray(node)) return node.map((n) => inline(n, resolved));
  if (!node || typeof node !== "object") return node;
  if (typeof node.$ref === "string" && resolved[node.$ref]) {
    const { $ref, ...rest } = node;
    return { ...resolved[$ref], ...rest };
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, resolved)]));
}

export default function Preview({ schema, uiSchema }) {
  const [resolved, setResolved] = useState({});
  const [data, setData] = useState({});
  const [problems, setProblems] = useState(null);
  const dataRef = useRef({});
  dataRef.current = data;
  const refs = useMemo(() => [...refsIn(schema)].sort(), [schema]);

  useEffect(() => {
    for (const url of refs) {
      if (url in resolved) continue;
      const [, name, version] = REF.exec(url);
      api(`jsonschemas/${encodeURIComponent(name)}/${version}?resolve=true`)
        .then(({ data: def }) => setResolved((r) => ({ ...r, [url]: def.deposit_schema })))
        .catch(() => setResolved((r) => ({ ...r, [url]: { type: "object", description: `Cannot read ${name} v${version}.` } })));
    }
  }, [refs]); // eslint-disable-line react-hooks/exhaustive-deps

  const shown = useMemo(() => inline(schema, resolved), [schema, resolved]);
  const formContext = useMemo(() => ({
    getFormData: () => dataRef.current || {},
    update: (fn) => setData(fn(structuredClone(dataRef.current || {}))),
    workingGroups: (parentPath) => {
      const node = schemaAt(shown, [...parentPath, "cms_working_group"]);
      return (node && node.enum) || [];
    },
  }), [shown]);

  // The publish check's problems under their fields, less what the form's
  // own validation shows already.
  const extraErrors = useMemo(
    () => (problems ? inlineErrors(problems, draftErrorSchema(shown, data)) : undefined), [problems, shown, data],
  );

  function check() {
    const found = publishProblems(shown, data);
    setProblems(found);
  }

  return (
    <section className="panel builder-preview" aria-label="Preview">
      <header className="panel-head">
        <h2>Preview: the deposit form</h2>
        <span className="actions">
          <button type="button" className="btn" onClick={check}>Check as at publish</button>
          <button type="button" className="btn" onClick={() => { setData({}); setProblems(null); }}>Clear</button>
        </span>
      </header>
      {problems && (
        <p className={`alert ${problems.length ? "alert-warning" : "alert-success"}`} role="status">
          {problems.length ? `Publishing would refuse ${problems.length} field${problems.length > 1 ? "s" : ""}: see below.`
            : "Publishing would accept this document."}
        </p>
      )}
      <ErrorBoundary key={JSON.stringify(shown)}>
        <DepositForm
          schema={shown}
          uiSchema={uiSchema}
          formData={data}
          formContext={formContext}
          onChange={({ formData }) => { setData(formData); if (problems) setProblems(publishProblems(shown, formData)); }}
          extraErrors={extraErrors}
        />
      </ErrorBoundary>
    </section>
  );
}

// A definition half-built can be one the form cannot draw (yet): say so
// instead of losing the page (a new schema draws afresh).
class ErrorBoundary extends Component {
  constructor(props) {
    super(props);
    this.state = { error: null };
  }

  static getDerivedStateFromError(error) {
    return { error };
  }

  render() {
    if (this.state.error) {
      return <p className="alert alert-warning" role="alert">The form cannot be drawn yet: {this.state.error.message}</p>;
    }
    return this.props.children;
  }
}
