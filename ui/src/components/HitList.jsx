import { ReviewBadge } from "./ReviewPanel.jsx";
import { cadiOf, draftUrl, fmtDate, recordUrl, titleOf, typeOf } from "../util.js";

export function hitUrl(hit) {
  return hit.type === "record" ? recordUrl(hit.recid || hit.id) : draftUrl(hit.id);
}

// A table of search hits: title, type, submitter, CADI id, status, dates.
export default function HitList({ hits, empty = "Nothing here yet.", compact = false }) {
  if (!hits) return <p className="muted">Loading…</p>;
  if (!hits.length) return <p className="muted">{empty}</p>;
  if (compact) {
    return (
      <ul className="hits-compact">
        {hits.map((hit) => (
          <li key={`${hit.type}-${hit.id}`} className="hit">
            <a href={hitUrl(hit)}>{titleOf(hit.metadata) || <em>(untitled)</em>}</a>{" "}
            <span className={`badge badge-${hit.status}`}>{hit.status}</span> <ReviewBadge hit={hit} />
            <div className="muted small">
              {[typeOf(hit), cadiOf(hit.metadata), hit.type === "record" ? hit.recid : null,
                `updated ${fmtDate(hit.updated)}`].filter(Boolean).join(" · ")}
            </div>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <table className="hits">
      <thead>
        <tr>
          <th scope="col">Title</th>
          <th scope="col">Type</th>
          <th scope="col">Submitter</th>
          <th scope="col">CADI id</th>
          <th scope="col">Status</th>
          <th scope="col">Created</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {hits.map((hit) => (
          <tr key={`${hit.type}-${hit.id}`} className="hit">
            <td>
              <a href={hitUrl(hit)}>{titleOf(hit.metadata) || <em>(untitled)</em>}</a>
              {hit.type === "record" && <div className="muted small">{hit.recid}</div>}
            </td>
            <td>{typeOf(hit)}</td>
            <td>{(hit.created_by && hit.created_by.email) || ""}</td>
            <td>{cadiOf(hit.metadata)}</td>
            <td>
              <span className={`badge badge-${hit.status}`}>{hit.status}</span> <ReviewBadge hit={hit} />
            </td>
            <td>{fmtDate(hit.created)}</td>
            <td>{fmtDate(hit.updated)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
