export function titleOf(metadata) {
  const m = metadata || {};
  return (
    (m.basic_info && m.basic_info.analysis_title) ||
    m.general_title ||
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

export function errorText(error) {
  if (!error) return "";
  const body = error.body || {};
  const details = (body.errors || [])
    .map((e) => `${e.field || ""}${e.field ? ": " : ""}${[].concat(e.messages || e.message || []).join(" ")}`)
    .filter(Boolean);
  return [body.message || error.message, ...details].join(" — ");
}

export function draftUrl(id) {
  return `/drafts/${encodeURIComponent(id)}`;
}

export function recordUrl(recid) {
  return `/published/${encodeURIComponent(recid)}`;
}
