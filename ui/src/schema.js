// Input normalised where the schema says so: `x-cap-normalize: "uppercase"`
// (e.g. CADI ids, hig-21-004 -> HIG-21-004), "lowercase" or "trim".
// Returns `data` itself when nothing changes.
const RULES = {
  uppercase: (v) => v.toUpperCase(),
  lowercase: (v) => v.toLowerCase(),
  trim: (v) => v.trim(),
};

export function normalised(schema, data) {
  if (!schema || typeof schema !== "object" || data == null) return data;
  const rule = RULES[schema["x-cap-normalize"]];
  if (rule && typeof data === "string") return rule(data);
  if (Array.isArray(data) && schema.items && typeof schema.items === "object") {
    const out = data.map((item) => normalised(schema.items, item));
    return out.some((item, i) => item !== data[i]) ? out : data;
  }
  if (typeof data === "object" && !Array.isArray(data) && schema.properties) {
    let out = data;
    for (const [name, sub] of Object.entries(schema.properties)) {
      if (!(name in data)) continue;
      const value = normalised(sub, data[name]);
      if (value !== data[name]) {
        if (out === data) out = { ...data };
        out[name] = value;
      }
    }
    return out;
  }
  return data;
}
