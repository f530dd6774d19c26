// Drafts validate leniently on the server (types, no `required`), so the
// inline validation of the editor does the same; publish checks the rest.
export function lenient(schema) {
  if (Array.isArray(schema)) return schema.map(lenient);
  if (!schema || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "required" && Array.isArray(value)) continue;
    if (key === "$schema" || key === "$id") continue;
    out[key] = lenient(value);
  }
  return out;
}
