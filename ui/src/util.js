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

export function errorText(error) {
  if (!error) return "";
  const body = error.body || {};
  const details = (body.errors || [])
    .map((e) => {
      const field = fieldPath(e.field);
      return `${field}${field ? ": " : ""}${[].concat(e.messages || e.message || []).join(" ")}`;
    })
    .filter(Boolean);
  return [body.message || error.message, ...details].join(" — ");
}

export function draftUrl(id) {
  return `/drafts/${encodeURIComponent(id)}`;
}

export function recordUrl(recid) {
  return `/published/${encodeURIComponent(recid)}`;
}
