import { useState } from "react";
import { api } from "../api.js";
import { errorText } from "../util.js";

// Dataset paths of a record: the values of the fields its schema marks
// with the DAS keyword (the same mark the server validates on save).
export function datasetPaths(metadata, schema) {
  const paths = [];
  function walk(value, node) {
    if (!node || value == null) return;
    if (node["x-cap-das-dataset"] && typeof value === "string" && value.trim()) {
      paths.push(value.trim());
    } else if (Array.isArray(value)) {
      value.forEach((item) => walk(item, node.items));
    } else if (typeof value === "object") {
      Object.entries(value).forEach(([key, child]) => walk(child, (node.properties || {})[key]));
    }
  }
  walk(metadata, schema);
  return [...new Set(paths)];
}

export default function LatexExport({ paths, title }) {
  const [latex, setLatex] = useState(null);
  const [error, setError] = useState(null);

  async function make() {
    setError(null);
    try {
      const { data } = await api("services/latex", { method: "POST", body: { paths, title } });
      setLatex(data.latex);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="panel" aria-labelledby="latex-title">
      <h2 id="latex-title">Datasets</h2>
      <ul className="dataset-list">
        {paths.map((path) => <li key={path}><code>{path}</code></li>)}
      </ul>
      <button type="button" className="btn" onClick={make}>LaTeX table of these datasets</button>
      {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
      {latex && (
        <>
          <label htmlFor="latex-output">LaTeX (copy into your paper or note)</label>
          <textarea id="latex-output" className="latex-output" readOnly rows={Math.min(20, latex.split("\n").length)} value={latex} />
        </>
      )}
    </section>
  );
}
