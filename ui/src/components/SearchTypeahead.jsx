// The search box with type-ahead from /api/suggest (what the caller may read).
// The word being typed decides the field: `cadi=HIG-2` suggests CADI ids,
// `keyword=`, `dataset=` and `trigger=` their values; plain words suggest
// titles (picked as a "quoted phrase"). Picking replaces that word and runs
// the search. Keyboard: ArrowUp/ArrowDown move, Enter picks, Escape closes.
import { useEffect, useRef, useState } from "react";
import { api } from "../api.js";
import { listKeyDown } from "../listbox.js";

const DEBOUNCE_MS = 200;
const MIN_CHARS = 2;
const TERM_FIELDS = { cadi: "cadi_id", keyword: "keywords", dataset: "dataset", trigger: "trigger" };

// What to ask for: {field, prefix, replace(value) -> the new query}, or null.
export function typeaheadRequest(query) {
  const start = query.search(/\S*$/);
  const word = query.slice(start);
  const term = /^([A-Za-z_]+)=(.*)$/.exec(word);
  if (term) {
    const field = TERM_FIELDS[term[1]];
    if (!field || term[2].replace(/^"/, "").length < MIN_CHARS) return null;
    const quote = (v) => (/[\s"]/.test(v) ? `"${v.replace(/(["\\])/g, "\\$1")}"` : v);
    return {
      field, prefix: term[2].replace(/^"/, ""),
      replace: (value) => `${query.slice(0, start)}${term[1]}=${quote(value)}`,
    };
  }
  const text = query.trim();
  if (text.length < MIN_CHARS || /[=:"()]/.test(text) || text.startsWith("/")) return null;
  return { field: "title", prefix: text, replace: (value) => `"${value.replace(/(["\\])/g, "\\$1")}"` };
}

export default function SearchTypeahead({ value, onChange, onPick, type, id = "search-q", placeholder = "Search…" }) {
  const [items, setItems] = useState([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const timer = useRef(null);
  const seq = useRef(0);
  const typed = useRef(false);
  const request = useRef(null);

  useEffect(() => () => clearTimeout(timer.current), []);

  useEffect(() => {
    if (!typed.current) return undefined;
    clearTimeout(timer.current);
    const mine = ++seq.current;
    const spec = typeaheadRequest(value);
    request.current = spec;
    if (!spec) {
      setItems([]);
      setOpen(false);
      return undefined;
    }
    timer.current = setTimeout(async () => {
      const params = new URLSearchParams({ field: spec.field, q: spec.prefix, size: "8" });
      if (type) params.set("type", type);
      try {
        const { data } = await api(`suggest?${params}`);
        if (mine !== seq.current) return;
        setItems(data.suggestions || []);
        setActive(-1);
        setOpen(true);
      } catch {
        // Suggestions are a help: the box keeps working without them.
        if (mine === seq.current) setItems([]);
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer.current);
  }, [value, type]);

  function pick(item) {
    const query = request.current.replace(String(item.value));
    typed.current = false;
    setOpen(false);
    setItems([]);
    onChange(query);
    onPick(query);
  }

  function onKeyDown(e) {
    if (!open || !items.length) return;
    listKeyDown(e, {
      count: items.length, active, setActive, pick: (i) => pick(items[i]), close: () => setOpen(false),
    });
  }

  const shown = open && items.length > 0;
  return (
    <div className="suggest search-typeahead">
      <input id={id} type="search" value={value} placeholder={placeholder} autoComplete="off"
        role="combobox" aria-autocomplete="list" aria-expanded={shown} aria-controls={`${id}-suggestions`}
        aria-activedescendant={shown && active >= 0 ? `${id}-option-${active}` : undefined}
        onChange={(e) => { typed.current = true; onChange(e.target.value); }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
        onFocus={() => { if (items.length) setOpen(true); }} />
      <ul id={`${id}-suggestions`} role="listbox" className="suggest-list"
        aria-label={request.current ? `Suggested ${request.current.field.replace("_", " ")}s` : "Suggestions"}
        hidden={!shown}>
        {items.map((item, i) => (
          <li key={`${item.value}-${i}`} id={`${id}-option-${i}`} role="option"
            aria-selected={i === active} className={i === active ? "active" : undefined}
            onMouseDown={(e) => { e.preventDefault(); pick(item); }}>
            <span className="suggest-label">{String(item.value)}</span>
            <span className="suggest-detail muted">{item.count} {item.count === 1 ? "analysis" : "analyses"}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
