export function titleOf(metadata) {
  const m = metadata || {};
  return (
    m.general_title ||
    (m.basic_info && m.basic_info.analysis_title) ||
    m.title ||
    (m.basic_info && m.basic_info.title) ||
    ""
  );
}

export function cadiOf(metadata) {
  const m = metadata || {};
  return (m.basic_info && m.basic_info.cadi_id) || m.cadi_id || "";
}

export function fmtDate(value) {
  if (!value) return "";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().slice(0, 10);
}

// Date and time in UTC, to the minute: "2026-12-03 09:18 UTC".
export function fmtDateTime(value) {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function fmtSize(bytes) {
  if (bytes == null) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function typeOf(hit) {
  const s = hit.schema || {};
  return s.fullname || s.name || "";
}

// An error item's `field` (a list of path parts, ["basic_info", "cadi_id"])
// as the dotted text people read: "basic_info.cadi_id"; "" for the whole document.
export function fieldPath(field) {
  if (Array.isArray(field)) return field.join(".");
  return field ? String(field) : "";
}

// The server's field errors as the form's inline errors (react-jsonschema-form
// `extraErrors`): each item lands under its form field by its path parts,
// ["basic_info", "people_info", "0", "orcid"] -> basic_info.people_info[0].orcid;
// a whole-document error (field []) on the form itself. Fields the form's own
// validation already flags (`shown`, an error schema) are left out: the
// server would only say the same again. null when none.
export function inlineErrors(errors, shown) {
  const parts = (e) => (Array.isArray(e.field) ? e.field : fieldPath(e.field).split(".").filter(Boolean));
  const flagged = (path) => {
    let node = shown;
    for (const part of path) node = node && node[String(part)];
    return Boolean(node && node.__errors && node.__errors.length);
  };
  const items = (errors || []).filter((e) => e && e.message && !flagged(parts(e)));
  if (!items.length) return null;
  const root = {};
  for (const e of items) {
    let node = root;
    for (const part of parts(e)) {
      const key = String(part);
      if (!Object.hasOwn(node, key) || typeof node[key] !== "object") node[key] = {};
      node = node[key];
    }
    (node.__errors = node.__errors || []).push(String(e.message));
  }
  return root;
}

// An error answer as one line: its message, then each field error that says
// something more (a search's invalid query gives the same text in both).
export function errorText(error) {
  if (!error) return "";
  const body = error.body || {};
  const top = body.message || error.message;
  const details = (body.errors || [])
    .map((e) => ({ field: fieldPath(e.field), text: [].concat(e.messages || e.message || []).join(" ") }))
    .filter((e) => e.text && e.text !== top)
    .map((e) => `${e.field}${e.field ? ": " : ""}${e.text}`);
  return [top, ...details].join(" — ");
}

export function draftUrl(id) {
  return `/drafts/${encodeURIComponent(id)}`;
}

export function recordUrl(recid) {
  return `/published/${encodeURIComponent(recid)}`;
}

// A field's path parts: ["basic_info", "people_info", "0", "orcid"] from a
// list or the dotted text.
export function fieldParts(field) {
  return Array.isArray(field) ? field.map(String) : fieldPath(field).split(".").filter(Boolean);
}

// The subschema `node` stands for (a local "#/..." $ref followed).
function deref(root, node) {
  let out = node;
  for (let hops = 0; out && typeof out.$ref === "string" && out.$ref.startsWith("#/") && hops < 10; hops += 1) {
    let target = root;
    for (const part of out.$ref.slice(2).split("/")) target = target && target[part];
    out = target;
  }
  return out;
}

// A property's schema, also where it is a conditional one (shown when
// another field has some value: `dependencies` -> `oneOf` branches).
function propertyOf(node, key) {
  const own = (node.properties || {})[key];
  if (own) return own;
  for (const dependency of Object.values(node.dependencies || {})) {
    for (const branch of (dependency && dependency.oneOf) || []) {
      const found = ((branch && branch.properties) || {})[key];
      if (found) return found;
    }
  }
  return undefined;
}

// The JSON schema of the value at `parts` (array indexes step into items).
export function schemaAt(root, parts) {
  let node = deref(root, root);
  for (const part of parts) {
    if (!node) return undefined;
    node = /^\d+$/.test(String(part)) ? node.items : propertyOf(node, part);
    node = deref(root, node);
  }
  return node;
}

// A field as the form labels it: "People › 2 › ORCID iD" (schema titles;
// an array item by its number from 1; the key where there is no title).
export function fieldLabel(root, field) {
  const parts = fieldParts(field);
  if (!parts.length) return "The whole draft";
  const names = [];
  for (let i = 0; i < parts.length; i += 1) {
    if (/^\d+$/.test(parts[i])) {
      names.push(String(Number(parts[i]) + 1));
      continue;
    }
    const node = schemaAt(root, parts.slice(0, i + 1));
    names.push((node && node.title) || parts[i]);
  }
  return names.join(" › ");
}

// The id react-jsonschema-form gives the input of a field (idPrefix "field").
export function fieldId(field) {
  return ["field", ...fieldParts(field)].join("_");
}

// Two error schemas as one (react-jsonschema-form `extraErrors`).
export function mergeErrors(a, b) {
  if (!a) return b || undefined;
  if (!b) return a;
  const out = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (key === "__errors") out.__errors = [...new Set([...(a.__errors || []), ...value])];
    else out[key] = mergeErrors(a[key], value);
  }
  return out;
}

// A uiSchema with `fn` applied to every node (its ui: options as they are,
// the nodes of its fields and array items first).
export function mapUiSchema(uiSchema, fn) {
  if (Array.isArray(uiSchema) || !uiSchema || typeof uiSchema !== "object") return uiSchema;
  const out = {};
  for (const [key, value] of Object.entries(uiSchema)) {
    out[key] = key.startsWith("ui:") ? value : mapUiSchema(value, fn);
  }
  return fn(out);
}
