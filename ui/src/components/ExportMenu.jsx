import { sameOrigin } from "../api.js";

// The record's citation exports, as GET /api/records/<recid>?format=<name>
// answers them (cap/modules/exports/formats): a download each.
export const EXPORT_FORMATS = [
  { name: "bibtex", label: "BibTeX", extension: "bib" },
  { name: "datacite-json", label: "DataCite JSON", extension: "datacite.json" },
  { name: "datacite-xml", label: "DataCite XML", extension: "datacite.xml" },
  { name: "json-ld", label: "schema.org JSON-LD", extension: "jsonld" },
  { name: "dublincore", label: "Dublin Core", extension: "dc.xml" },
  { name: "csl", label: "CSL-JSON", extension: "csl.json" },
  { name: "marcxml", label: "MARCXML", extension: "marc.xml" },
];

export default function ExportMenu({ record }) {
  const self = sameOrigin(record.links.self);
  return (
    <details className="export-menu">
      <summary className="btn">Export</summary>
      <ul role="menu" aria-label="Export formats">
        {EXPORT_FORMATS.map((f) => (
          <li key={f.name} role="none">
            <a role="menuitem" href={`${self}?format=${f.name}`}
              download={`${record.recid}.${f.extension}`}>{f.label}</a>
          </li>
        ))}
      </ul>
    </details>
  );
}
