// One autocomplete field for the deposit editor, chosen by the UI options of
// a schema field: `ui:options.suggest` = cadi | das | triggers | orcid | ror | keywords |
// users | egroups.
//
// - das:      /api/cms/primary-datasets|mc-datasets|datasets?query=  (suggest_kind;
//             picking one fills an empty `year` sibling)
// - triggers: /api/cms/triggers?query=&dataset=&year=  (suggest_context names the
//             fields holding dataset and year; the nearest enclosing object
//             that has them gives their values)
// - orcid:    /api/services/orcid?name=   (picking a person also fills the
//             empty name / orcid / affiliation siblings)
// - ror:      /api/services/ror?query=
// - users:    /api/services/ldap/user/mail?query=  (people of the CERN directory,
//             by address; the field holds the email)
// - egroups:  /api/services/ldap/egroup/mail?query=  (e-groups, by name or
//             address; the field holds the e-group's address)
// - keywords: /api/cms/keywords?query=  (the CMS analysis keyword list; with
//             `suggest_separator` the field holds several terms, e.g. "a, b":
//             the last one is completed, those already there are not offered)
// - cadi:     a prefix lists our synced analyses (/api/cms/cadi?query=); a
//             valid CADI id fetches /api/cms/cadi/<id> (synced copy first,
//             CADI for an id we do not have) and offers to fill cadi_info
//             (and the title and working group when empty)
//
// Rendered as an rjsf *field* (it needs its path in the form data): the
// field template still renders the label, help and validation errors.
// Keyboard: ArrowUp/ArrowDown move, Enter picks, Escape closes. Upstream
// errors (502/504, ...) show a small inline note; the input keeps working.
import { useEffect, useId, useRef, useState } from "react";
import { ariaDescribedByIds, descriptionId, getUiOptions } from "@rjsf/utils";
import { api } from "../api.js";
import { listKeyDown } from "../listbox.js";
import { schemaAt } from "../util.js";
import { RequiredMark } from "./FormTemplates.jsx";

const DEBOUNCE_MS = 250;
const MIN_CHARS = 2;
const CADI_ID = /^[A-Z0-9]{3}-\d{2}-\d{3}$/;
const SOURCE_NAMES = {
  das: "DAS", triggers: "The trigger list", orcid: "ORCID", ror: "ROR", cadi: "CADI",
  keywords: "The CMS keyword list", users: "The CERN directory", egroups: "The CERN directory",
};

function getPath(data, path) {
  let node = data;
  for (const key of path) {
    if (node == null || typeof node !== "object") return undefined;
    node = node[key];
  }
  return node;
}

// The value of `name` in the nearest object enclosing `path` that has it.
function contextValue(data, path, name) {
  for (let end = path.length - 1; end >= 0; end -= 1) {
    const node = getPath(data, path.slice(0, end));
    if (node && typeof node === "object" && !Array.isArray(node) && node[name] != null && node[name] !== "") {
      return node[name];
    }
  }
  return undefined;
}

// A field of several terms: "dilepton, hig" -> ["dilepton", "hig"].
function terms(value, separator) {
  return separator ? value.split(separator).map((t) => t.trim()) : [value.trim()];
}

// `value` with its last term replaced by `term`, the terms joined by the
// separator and a space.
function withLastTerm(value, term, separator) {
  if (!separator) return term;
  const done = terms(value, separator).slice(0, -1).filter(Boolean);
  return [...done, term].join(`${separator} `);
}

function query(params) {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
}

// The request for a typed text, and how to turn its answer into options.
function lookup(source, text, options, data, path) {
  switch (source) {
    case "das": {
      const endpoint = { primary: "primary-datasets", mc: "mc-datasets" }[options.suggest_kind] || "datasets";
      return {
        url: `cms/${endpoint}?${query({ query: text, size: 10 })}`,
        options: (answer) => (answer.hits || []).map((hit) => ({
          value: hit.name, label: hit.name, detail: [hit.tier, hit.year].filter(Boolean).join(" · "),
          year: hit.year,
        })),
      };
    }
    case "triggers": {
      const ctx = options.suggest_context || {};
      const params = { query: text, size: 10 };
      for (const [param, field] of Object.entries(ctx)) params[param] = contextValue(data, path, field);
      return {
        url: `cms/triggers?${query(params)}`,
        options: (answer) => (answer.hits || []).map((hit) => ({
          value: hit.trigger, label: hit.trigger, detail: (hit.years || []).join(", "),
        })),
      };
    }
    case "cadi":
      return {
        url: `cms/cadi?${query({ query: text, size: 10 })}`,
        options: (answer) => (answer.hits || []).map((hit) => ({
          value: hit.cadi_id, label: hit.cadi_id, detail: [hit.name, hit.status].filter(Boolean).join(" · "),
        })),
      };
    case "orcid": {
      const byId = path[path.length - 1] === "orcid";
      return {
        url: `services/orcid?${query({ name: text })}`,
        options: (answer) => (answer || []).map((person) => ({
          value: byId ? person.id : person.name,
          label: person.name,
          detail: [person.id, ...(person.affiliations || [])].join(" · "),
          person,
        })),
      };
    }
    case "keywords": {
      const taken = new Set(terms(options.value || "", options.suggest_separator)
        .slice(0, -1).map((t) => t.toLowerCase()));
      return {
        url: `cms/keywords?${query({ query: text, size: 10 })}`,
        options: (answer) => (answer.hits || [])
          .filter((hit) => !taken.has(hit.keyword.toLowerCase()))
          .map((hit) => ({ value: hit.keyword, label: hit.keyword, detail: hit.category, title: hit.description })),
      };
    }
    case "ror":
      return {
        url: `services/ror?${query({ query: text })}`,
        options: (answer) => (answer || []).map((org) => ({
          value: org.name,
          label: org.name,
          detail: [(org.acronyms || []).join(", "), [org.city, org.country].filter(Boolean).join(", "), org.ror]
            .filter(Boolean).join(" · "),
        })),
      };
    case "users":
      return {
        url: `services/ldap/user/mail?${query({ query: text })}`,
        options: (answer) => (answer || []).map((person) => ({
          value: person.email, label: person.email,
          detail: [person.display_name, person.department].filter(Boolean).join(" · "),
        })),
      };
    case "egroups":
      return {
        url: `services/ldap/egroup/mail?${query({ query: text })}`,
        options: (answer) => (answer || []).map((group) => ({
          value: group.email, label: group.email,
          detail: [group.name, group.description].filter(Boolean).join(" · "),
        })),
      };
    default:
      return null;
  }
}

function problem(source, error) {
  const who = SOURCE_NAMES[source] || "The look-up service";
  if (error.status === 504) return `${who} is slow to answer; type the value by hand or try again.`;
  if (error.status === 502 || error.status === 503) return `${who} is not reachable right now; type the value by hand.`;
  if (error.status === 404 && source === "cadi") return "CADI does not know this id.";
  if (error.status === 401 || error.status === 403) return `You may not use ${who} suggestions.`;
  return `No suggestions: ${(error.body && error.body.message) || error.message}`;
}

export default function SuggestField(props) {
  const {
    fieldPathId, formData, onChange, onBlur, onFocus, uiSchema, registry,
    disabled, readonly, required, autofocus, rawErrors, schema, name,
  } = props;
  const id = fieldPathId.$id;
  const path = fieldPathId.path;
  const ui = getUiOptions(uiSchema);
  const source = ui.suggest;
  const form = registry.formContext || {};
  const value = formData == null ? "" : String(formData);

  const [items, setItems] = useState([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [note, setNote] = useState(null);
  const [cadi, setCadi] = useState(null);
  const [busy, setBusy] = useState(false);
  const timer = useRef(null);
  const seq = useRef(0);
  const typed = useRef(false);
  const listId = `${id}__suggestions`;
  const noteId = `${id}__suggest-note`;
  const optionId = (i) => `${id}__option-${i}`;
  const uid = useId();

  useEffect(() => () => clearTimeout(timer.current), []);

  // Only what the user types asks for suggestions (not loading the draft).
  useEffect(() => {
    if (!typed.current) return undefined;
    clearTimeout(timer.current);
    const separator = ui.suggest_separator;
    const text = terms(value, separator).pop();
    const mine = ++seq.current;
    const cadiId = source === "cadi" && CADI_ID.test(text.toUpperCase());
    if (source === "cadi") {
      setCadi(null);
      setNote(null);
    }
    if (!cadiId && text.length < MIN_CHARS) {
      setItems([]);
      setOpen(false);
      setNote(null);
      return undefined;
    }
    timer.current = setTimeout(async () => {
      setBusy(true);
      try {
        if (cadiId) {
          const { data } = await api(`cms/cadi/${encodeURIComponent(text.toUpperCase())}`);
          if (mine !== seq.current) return;
          setItems([]);
          setOpen(false);
          setCadi({ id: text.toUpperCase(), info: data });
          setNote(null);
          return;
        }
        const spec = lookup(source, text, { ...ui, value }, form.getFormData ? form.getFormData() : {}, path);
        if (!spec) return;
        const { data } = await api(spec.url);
        if (mine !== seq.current) return;
        const found = spec.options(data).filter((o) => o.value);
        setItems(found);
        setActive(-1);
        setOpen(true);
        setNote(null);
      } catch (error) {
        if (mine !== seq.current) return;
        setItems([]);
        setOpen(false);
        setNote(problem(source, error));
      } finally {
        if (mine === seq.current) setBusy(false);
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, source]);

  function type(next) {
    typed.current = true;
    onChange(next === "" ? undefined : next, path);
  }

  function pick(option) {
    seq.current += 1; // drop answers still on their way
    typed.current = source === "cadi"; // a picked CADI id then offers its autofill
    setOpen(false);
    setItems([]);
    setActive(-1);
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1];
    // Empty siblings the pick also fills, where the form has them.
    const parentSchema = schemaAt(registry.rootSchema, parentPath.map(String));
    const hasSibling = (name) => Boolean(parentSchema && parentSchema.properties && parentSchema.properties[name]);
    const fill = (siblings) => form.update((data) => {
      const parent = getPath(data, parentPath);
      if (!parent || typeof parent !== "object") return data;
      parent[key] = option.value;
      for (const [name, value] of Object.entries(siblings)) {
        if (name !== key && hasSibling(name) && value != null && value !== "" && (parent[name] == null || parent[name] === "")) {
          parent[name] = value;
        }
      }
      return data;
    });
    if (source === "orcid" && option.person && form.update) {
      const person = option.person;
      fill({ name: person.name, orcid: person.id, affiliation: (person.affiliations || [])[0] });
      return;
    }
    if (source === "das" && option.year && form.update && hasSibling("year")) {
      fill({ year: option.year });
      return;
    }
    onChange(withLastTerm(value, option.value, ui.suggest_separator), path);
  }

  function fillFromCadi() {
    if (!cadi || !form.update) return;
    const info = cadi.info;
    const parentPath = path.slice(0, -1);
    const groups = form.workingGroups ? form.workingGroups(parentPath) : [];
    form.update((data) => {
      data.cadi_info = { ...info };
      const parent = getPath(data, parentPath);
      if (parent && typeof parent === "object") {
        if (!parent.analysis_title && info.name) parent.analysis_title = info.name;
        const group = info.awg || cadi.id.slice(0, 3);
        if (!parent.cms_working_group && groups.includes(group)) parent.cms_working_group = group;
      }
      return data;
    });
    setCadi(null);
    setNote("Filled in from CADI.");
  }

  function onKeyDown(event) {
    if (!open || items.length === 0) {
      if (event.key === "ArrowDown" && items.length) setOpen(true);
      return;
    }
    listKeyDown(event, {
      count: items.length, active, setActive, pick: (i) => pick(items[i]), close: () => setOpen(false),
    });
  }

  const locked = disabled || readonly;
  const listed = open && !locked;
  const describedBy = [ariaDescribedByIds(id), note ? noteId : null].filter(Boolean).join(" ");

  // rjsf leaves label and description to custom fields.
  const label = ui.title || props.title || schema.title || name;
  const description = ui.description || schema.description;
  const { DescriptionFieldTemplate } = registry.templates;

  return (
    <div className="suggest" data-suggest={source}>
      {ui.label !== false && label && (
        <div className="label-row">
          <label className="control-label" htmlFor={id}>{label}</label>{required && <RequiredMark />}
        </div>
      )}
      {description && (
        <DescriptionFieldTemplate id={descriptionId(id)} description={description}
          schema={schema} uiSchema={uiSchema} registry={registry} />
      )}
      <input
        id={id}
        name={fieldPathId.name || id}
        type="text"
        className="form-control"
        value={value}
        placeholder={ui.placeholder || ""}
        required={required}
        disabled={disabled}
        readOnly={readonly}
        autoFocus={autofocus}
        autoComplete="off"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={listed && items.length > 0}
        aria-controls={listId}
        aria-activedescendant={listed && active >= 0 ? optionId(active) : undefined}
        aria-invalid={rawErrors && rawErrors.length > 0 ? true : undefined}
        aria-describedby={describedBy}
        aria-busy={busy || undefined}
        maxLength={schema.maxLength}
        onChange={(e) => type(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => { setOpen(false); if (onBlur) onBlur(id, formData); }}
        onFocus={() => { if (items.length) setOpen(true); if (onFocus) onFocus(id, formData); }}
      />
      <ul id={listId} role="listbox" className="suggest-list" aria-label={`Suggestions from ${SOURCE_NAMES[source] || source}`}
        hidden={!listed || items.length === 0}>
        {items.map((item, i) => (
          <li
            key={`${uid}-${item.value}-${i}`}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className={i === active ? "active" : undefined}
            title={item.title}
            onMouseDown={(e) => { e.preventDefault(); pick(item); }}
          >
            <span className="suggest-label">{item.label}</span>
            {item.detail && <span className="suggest-detail muted">{item.detail}</span>}
          </li>
        ))}
      </ul>
      {listed && items.length === 0 && !busy && (
        <p className="suggest-note muted" role="status">No suggestions.</p>
      )}
      {cadi && !locked && (
        <div className="suggest-cadi" role="status">
          <span>
            CADI {cadi.id}: <strong>{cadi.info.name || "(no name)"}</strong>
            {cadi.info.status && <> · {cadi.info.status}</>}
          </span>
          {" "}
          <button type="button" className="btn btn-small" onClick={fillFromCadi}>
            Fill in from CADI
          </button>
        </div>
      )}
      {note && <p id={noteId} className="suggest-note muted" role="status">{note}</p>}
      {source === "triggers" && !locked && (
        <TriggerScope context={ui.suggest_context} data={form.getFormData ? form.getFormData() : {}} path={path} />
      )}
    </div>
  );
}

// What the trigger suggestions are filtered by: the dataset and year of the
// enclosing entry (ui:options.suggest_context), said in words.
function TriggerScope({ context, data, path }) {
  const values = Object.fromEntries(
    Object.entries(context || {}).map(([param, field]) => [param, contextValue(data, path, field)]),
  );
  const scope = [values.dataset && `of ${values.dataset}`, values.year && `in ${values.year}`].filter(Boolean);
  return (
    <p className="suggest-note muted trigger-scope">
      {scope.length
        ? `Suggestions: the HLT triggers ${scope.join(" ")} (from the dataset path and year above).`
        : "Fill in the dataset path and year above: suggestions then list only their HLT triggers."}
    </p>
  );
}

// A uiSchema node with the suggest field set where ui:options.suggest is
// (applied to every node by mapUiSchema).
export function withSuggestField(node) {
  const options = node["ui:options"];
  if (options && options.suggest && !node["ui:field"]) return { ...node, "ui:field": "suggest" };
  return node;
}
