import { useEffect, useState } from "react";
import { api } from "../api.js";
import HitList from "../components/HitList.jsx";
import SearchTypeahead from "../components/SearchTypeahead.jsx";
import { errorText } from "../util.js";

const RESERVED = new Set(["q", "sort", "page", "size", "tab", "by_me"]);
const SORTS = [
  ["mostrecent", "Most recent"],
  ["bestmatch", "Best match"],
  ["oldest", "Oldest"],
];
// A facet by the label the server gives (its title in the schema), each value
// by its label where the server names it (a type's full name, an enum's
// name in the form); a facet without a label by its name in words
// ("workflow_type" -> "Workflow type"), never the raw key.
function facetLabel(name, agg) {
  if (agg.label) return agg.label;
  const words = name.replace(/[_.]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// The query syntax, with examples to click.
function SearchHelp({ onExample }) {
  const examples = [
    ["dimuon resonance", "words anywhere (all must match)"],
    ["dataset=/SingleMuon/*/MINIAOD", "a DAS dataset path; * and ? are wildcards"],
    ["/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD", "a pasted path is a dataset search"],
    ["trigger=HLT_IsoMu24*", "an HLT trigger"],
    ["cadi=HIG-21-004 wg=HIG", "a CADI id, a working group"],
    ["muon OR electron", "either word; NOT excludes, \"quotes\" keep phrases"],
  ];
  return (
    <details className="search-help">
      <summary>Query syntax</summary>
      <ul>
        {examples.map(([q, what]) => (
          <li key={q}>
            <button type="button" className="link-button" onClick={() => onExample(q)}><code>{q}</code></button>
            {" "}— {what}
          </li>
        ))}
      </ul>
    </details>
  );
}

function readState(fixed) {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const [key, value] of params) {
    if (!RESERVED.has(key)) filters[key] = [...(filters[key] || []), value];
  }
  for (const [key, value] of Object.entries(fixed)) filters[key] = [value];
  return {
    tab: fixed.collection ? "published" : params.get("tab") === "published" ? "published" : "drafts",
    q: params.get("q") || "",
    sort: params.get("sort") || "",
    page: Number(params.get("page") || 1),
    size: Number(params.get("size") || 10),
    byMe: params.get("by_me") === "True",
    filters,
  };
}

function toQuery(state, forApi) {
  const p = new URLSearchParams();
  if (!forApi && state.tab !== "drafts") p.set("tab", state.tab);
  if (state.q) p.set("q", state.q);
  if (state.sort) p.set("sort", state.sort);
  if (state.page > 1) p.set("page", String(state.page));
  if (state.size !== 10 || forApi) p.set("size", String(state.size));
  if (state.byMe) p.set("by_me", "True");
  for (const [key, values] of Object.entries(state.filters)) {
    for (const v of values) p.append(key, v);
  }
  return p.toString();
}

export default function Search({ collection, version }) {
  const fixed = {};
  if (collection) fixed.collection = collection;
  if (version) fixed.collection_version = version;
  const [state, setState] = useState(() => readState(fixed));
  const [query, setQuery] = useState(state.q);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    if (!collection) {
      const qs = toQuery(state, false);
      window.history.replaceState(null, "", `${window.location.pathname}${qs ? `?${qs}` : ""}`);
    }
    setError(null);
    const endpoint = state.tab === "published" ? "records/" : "deposits/";
    api(`${endpoint}?${toQuery(state, true)}`)
      .then(({ data }) => setResult(data))
      .catch((err) => {
        setResult({ hits: { hits: [], total: 0 }, aggregations: {} });
        setError(err);
      });
  }, [state, collection]);

  const update = (change) => setState((s) => ({ ...s, page: 1, ...change }));
  const toggle = (name, key) =>
    setState((s) => {
      const current = s.filters[name] || [];
      const next = current.includes(key) ? current.filter((v) => v !== key) : [...current, key];
      const filters = { ...s.filters, [name]: next };
      if (!next.length) delete filters[name];
      return { ...s, page: 1, filters };
    });

  const total = result ? result.hits.total : 0;
  const pages = Math.max(1, Math.ceil(total / state.size));
  const aggs = (result && result.aggregations) || {};

  return (
    <div className="search-page">
      <h1>{collection ? `Collection: ${collection}${version ? ` v${version}` : ""}` : "Search"}</h1>
      {!collection && (
        <div className="tabs" role="tablist" aria-label="What to search">
          {[
            ["drafts", "Drafts"],
            ["published", "Published"],
          ].map(([tab, label]) => (
            <button key={tab} role="tab" type="button" aria-selected={state.tab === tab}
              className={state.tab === tab ? "tab active" : "tab"}
              onClick={() => setState((s) => ({ ...s, tab, page: 1, filters: {} }))}>
              {label}
            </button>
          ))}
        </div>
      )}
      <form className="search-bar" role="search"
        onSubmit={(e) => { e.preventDefault(); update({ q: query }); }}>
        <label htmlFor="search-q" className="sr-only">Query</label>
        <SearchTypeahead value={query} onChange={setQuery} onPick={(q) => update({ q })} type={collection} />
        <button className="btn btn-primary" type="submit">Search</button>
        <label htmlFor="search-sort">Sort</label>
        <select id="search-sort" value={state.sort} onChange={(e) => update({ sort: e.target.value })}>
          <option value="">Default</option>
          {SORTS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select>
        <label className="inline">
          <input type="checkbox" checked={state.byMe} onChange={(e) => update({ byMe: e.target.checked })} />
          {" "}Only mine
        </label>
      </form>
      <SearchHelp onExample={(q) => { setQuery(q); update({ q }); }} />
      <div className="search-layout">
        <aside className="facets" aria-label="Filters">
          {Object.entries(aggs)
            .filter(([name, agg]) => agg.buckets.length && !fixed[name])
            .map(([name, agg]) => (
              <fieldset key={name} className="facet">
                <legend>{facetLabel(name, agg)}</legend>
                {agg.buckets.map((b) => {
                  const id = `facet-${name}-${b.key}`;
                  return (
                    <div key={b.key} className="facet-item">
                      <input type="checkbox" id={id}
                        checked={(state.filters[name] || []).includes(String(b.key))}
                        onChange={() => toggle(name, String(b.key))} />
                      <label htmlFor={id}>{b.label || String(b.key)} <span className="count">({b.doc_count})</span></label>
                    </div>
                  );
                })}
              </fieldset>
            ))}
        </aside>
        <section className="results" aria-live="polite">
          {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
          <p className="muted result-count">{result ? `${total} result${total === 1 ? "" : "s"}` : "Searching…"}</p>
          <HitList hits={result ? result.hits.hits : null} empty="No results." />
          {pages > 1 && (
            <nav className="pagination" aria-label="Pages">
              <button type="button" className="btn" disabled={state.page <= 1}
                onClick={() => setState((s) => ({ ...s, page: s.page - 1 }))}>Previous</button>
              <span>Page {state.page} of {pages}</span>
              <button type="button" className="btn" disabled={state.page >= pages}
                onClick={() => setState((s) => ({ ...s, page: s.page + 1 }))}>Next</button>
            </nav>
          )}
        </section>
      </div>
    </div>
  );
}
