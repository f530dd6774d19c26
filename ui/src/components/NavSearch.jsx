// The header's quick search (it replaces the plain form's fields, which work
// without the bundle): the search page's type-ahead, on what the collaboration
// published; the page's Drafts tab is one click away.
import { useState } from "react";
import SearchTypeahead from "./SearchTypeahead.jsx";

export default function NavSearch({ action }) {
  const [query, setQuery] = useState("");
  const go = (q) => window.location.assign(`${action}?${new URLSearchParams({ q, tab: "published" })}`);
  return (
    <>
      <label htmlFor="nav-search-q" className="sr-only">Search analyses</label>
      <SearchTypeahead id="nav-search-q" placeholder="Search analyses" value={query}
        onChange={setQuery} onPick={go} />
      <input type="hidden" name="q" value={query} />
      <input type="hidden" name="tab" value="published" />
      <button type="submit">Search</button>
    </>
  );
}
