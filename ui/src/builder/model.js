// The content builder's model: a definition (legacy CAP format, as
// POST /api/jsonschemas/ takes it) as a tree of fields plus the rest of its
// parts, and back. Pure functions, no React.
//
// A field node: {id, key, kind, title, description, placeholder, required,
// pattern, format, enum, widget, suggest, suggestKind, readOnlyUsers,
// readOnlyRoles, ref, itemKind, children, condition, extra, uiExtra}. kind is string |
// number | integer | boolean | object | array | ref; an array holds objects
// (children), strings or one $ref (itemKind). `extra` and `uiExtra` keep what
// the builder does not edit (other JSON Schema keywords, other ui: options),
// so a definition loaded and saved again keeps them.
//
// `condition` ({field, values} or null) makes a conditional field: shown
// only while its sibling `field` holds one of `values`. It is stored as the
// collaborations' definitions do, in the parent's `dependencies`:
// {field: {oneOf: [{properties: {field: {enum: [values]}, key: {...}}}, ...]}},
// a branch per set of values showing the same fields, every value of the
// sibling in one branch (so exactly one always matches).
//
// The layout (`state.layout`): {tabs, groups: [{id, title, fields}],
// optionsExtra}: the top-level fields as tabs (`"ui:object": "tabView"`),
// several of them gathered in one tab by `ui:options.tabs`.

export const KINDS = ["string", "number", "integer", "boolean", "object", "array", "ref"];
export const FORMATS = ["", "date", "date-time", "email", "uri"];
// What the deposit form draws (rjsf widgets) and suggests (Suggest.jsx).
export const WIDGETS = {
  string: ["", "textarea", "select", "radio", "date", "email", "uri"],
  number: ["", "updown", "range"],
  integer: ["", "updown", "range", "select"],
  boolean: ["", "checkbox", "radio", "select"],
};
export const SUGGESTS = ["", "cadi", "das", "triggers", "orcid", "ror", "users", "egroups"];
export const DAS_KINDS = ["", "primary", "mc"];
export const SCHEMA_ACTIONS = [
  "deposit-schema-read", "deposit-schema-update", "deposit-schema-admin", "deposit-schema-review",
  "deposit-schema-create", "record-schema-read", "record-schema-update", "record-schema-admin",
  "record-schema-review",
];

// JSON Schema keywords a node edits itself (the rest goes to `extra`).
const OWN = new Set([
  "type", "title", "description", "pattern", "format", "enum", "properties", "required",
  "items", "$ref", "x-cap-permission", "placeholder",
]);
// What an array node edits of its entries' schema.
const ITEM_OWN = new Set(["type", "properties", "required", "pattern", "format", "enum", "$ref"]);
const OWN_UI = new Set(["ui:placeholder", "ui:widget", "ui:options", "ui:order", "items"]);

let counter = 0;
export function newId() {
  counter += 1;
  return `f${counter}`;
}

export function newField(kind = "string", key = "") {
  return {
    id: newId(), key, kind, title: "", description: "", placeholder: "", required: false,
    pattern: "", format: "", enum: [], widget: "", suggest: "", suggestKind: "",
    readOnlyUsers: [], readOnlyRoles: [], ref: "", itemKind: "object", children: [],
    condition: null, extra: {}, uiExtra: {},
  };
}

function pick(object, skip) {
  return Object.fromEntries(Object.entries(object || {}).filter(([k]) => !skip.has(k)));
}

function kindOf(schema) {
  if (schema.$ref) return "ref";
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (KINDS.includes(type)) return type;
  if (schema.properties) return "object";
  return "string";
}

// The conditional fields of an object schema's `dependencies`, as the
// builder writes them: {key: {schema, field, values}}; null when there are
// none, or when the dependencies say more than that (kept as they are).
function conditionalFields(schema) {
  const dependencies = schema && schema.dependencies;
  if (!dependencies || typeof dependencies !== "object" || Array.isArray(dependencies)) return null;
  const own = schema.properties || {};
  const out = {};
  for (const [field, dependency] of Object.entries(dependencies)) {
    if (!dependency || !Array.isArray(dependency.oneOf) || Object.keys(dependency).length !== 1) return null;
    for (const branch of dependency.oneOf) {
      if (!branch || typeof branch !== "object" || Object.keys(branch).some((k) => k !== "properties")) return null;
      const properties = branch.properties || {};
      const test = properties[field];
      if (!test || !Array.isArray(test.enum) || Object.keys(test).length !== 1) return null;
      for (const [key, sub] of Object.entries(properties)) {
        if (key === field) continue;
        const seen = out[key];
        // One field, one schema: the same key shown with other texts per
        // value is more than a condition.
        if (key in own || (seen && (seen.field !== field || JSON.stringify(seen.schema) !== JSON.stringify(sub)))) return null;
        out[key] = { schema: sub, field, values: [...((seen && seen.values) || []), ...test.enum] };
      }
    }
  }
  return out;
}

// Fields of an object schema (with its uiSchema), in the form's order.
function fieldsOf(schema, ui) {
  const conditional = conditionalFields(schema);
  const props = { ...((schema && schema.properties) || {}) };
  for (const [key, c] of Object.entries(conditional || {})) props[key] = c.schema;
  const required = new Set((schema && schema.required) || []);
  const order = (ui && ui["ui:order"]) || [];
  const keys = Object.keys(props);
  const ordered = [...order.filter((k) => keys.includes(k)), ...keys.filter((k) => !order.includes(k))];
  return ordered.map((key) => {
    const node = fieldFrom(key, props[key] || {}, (ui && ui[key]) || {}, required.has(key));
    const c = conditional && conditional[key];
    if (c) node.condition = { field: c.field, values: [...new Set(c.values)] };
    return node;
  });
}

// A schema's keywords the builder does not edit: `dependencies` too, unless
// its fields became conditional ones.
function extraOf(schema, skip = OWN) {
  const extra = pick(schema, skip);
  if (conditionalFields(schema)) delete extra.dependencies;
  return extra;
}

function fieldFrom(key, schema, ui, required) {
  const node = newField(kindOf(schema), key);
  const options = ui["ui:options"] || {};
  Object.assign(node, {
    title: schema.title || "",
    description: schema.description || "",
    placeholder: ui["ui:placeholder"] || options.placeholder || schema.placeholder || "",
    required,
    pattern: schema.pattern || "",
    format: schema.format || "",
    enum: Array.isArray(schema.enum) ? schema.enum.map(String) : [],
    widget: ui["ui:widget"] || "",
    suggest: options.suggest || "",
    suggestKind: options.suggest_kind || "",
    readOnlyUsers: (schema["x-cap-permission"] || {}).users || [],
    readOnlyRoles: (schema["x-cap-permission"] || {}).roles || [],
    ref: schema.$ref || "",
    extra: pick(schema, OWN),
    uiExtra: {
      ...pick(ui, OWN_UI),
      ...(Object.keys(pick(options, new Set(["suggest", "suggest_kind", "placeholder"]))).length
        ? { "ui:options": pick(options, new Set(["suggest", "suggest_kind", "placeholder"])) } : {}),
    },
  });
  if (node.kind === "object") {
    node.children = fieldsOf(schema, ui);
    node.extra = extraOf(schema);
  }
  if (node.kind === "array") {
    const items = schema.items || {};
    const itemUi = ui.items || {};
    if (items.$ref) {
      node.itemKind = "ref";
      node.ref = items.$ref;
    } else if (items.type === "object" || items.properties) {
      node.itemKind = "object";
      node.children = fieldsOf(items, itemUi);
      // An entry's own title and description are the entry's, not the list's.
      node.itemExtra = extraOf(items, ITEM_OWN);
    } else {
      node.itemKind = "string";
      // Lists of numbers stay lists of numbers (the builder edits texts' rules).
      node.itemType = items.type || "string";
      node.pattern = items.pattern || "";
      node.format = items.format || "";
      node.enum = Array.isArray(items.enum) ? items.enum.map(String) : [];
      node.suggest = (itemUi["ui:options"] || {}).suggest || node.suggest;
      node.itemExtra = pick(items, ITEM_OWN);
    }
  }
  return node;
}

function stringSchema(node) {
  const out = {};
  if (node.pattern) out.pattern = node.pattern;
  if (node.format) out.format = node.format;
  const values = node.enum.filter((v) => v.trim());
  if (values.length) out.enum = values;
  return out;
}

function uiOptions(node) {
  const options = { ...((node.uiExtra || {})["ui:options"] || {}) };
  if (node.suggest) options.suggest = node.suggest;
  if (node.suggest === "das" && node.suggestKind) options.suggest_kind = node.suggestKind;
  return options;
}

// Conditions set in the builder cannot join `dependencies` it keeps as
// they are (of another shape): say so rather than drop either.
function checkDependencies(generated, kept, where) {
  if (generated.dependencies && kept && kept.dependencies) {
    throw new Error(`${where}: its "dependencies" are more than conditions the builder edits; `
      + "remove them (export, edit, import) before adding conditions.");
  }
}

// [schema, uiSchema] of one field.
function fieldTo(node) {
  const schema = {};
  const ui = { ...pick(node.uiExtra, new Set(["ui:options"])) };
  if (node.title) schema.title = node.title;
  if (node.description) schema.description = node.description;
  if (node.kind === "ref") {
    schema.$ref = node.ref;
  } else if (node.kind === "array") {
    schema.type = "array";
    if (node.itemKind === "ref") {
      schema.items = { $ref: node.ref };
    } else if (node.itemKind === "object") {
      const [items, itemUi] = objectTo(node.children);
      checkDependencies(items, node.itemExtra, node.key);
      schema.items = { ...(node.itemExtra || {}), ...items };
      if (Object.keys(itemUi).length) ui.items = itemUi;
    } else {
      schema.items = { ...(node.itemExtra || {}), type: node.itemType || "string", ...stringSchema(node) };
      const options = uiOptions(node);
      if (Object.keys(options).length) ui.items = { "ui:options": options };
    }
  } else if (node.kind === "object") {
    const [sub, subUi] = objectTo(node.children);
    checkDependencies(sub, node.extra, node.key);
    Object.assign(schema, sub);
    Object.assign(ui, subUi);
  } else {
    schema.type = node.kind;
    if (node.kind === "string") Object.assign(schema, stringSchema(node));
  }
  Object.assign(schema, node.extra);
  if (node.readOnlyUsers.length || node.readOnlyRoles.length) {
    schema["x-cap-permission"] = { users: node.readOnlyUsers, roles: node.readOnlyRoles };
  }
  if (node.placeholder) ui["ui:placeholder"] = node.placeholder;
  if (node.widget && node.kind !== "object" && node.kind !== "array") ui["ui:widget"] = node.widget;
  const options = node.kind === "array" ? (node.uiExtra || {})["ui:options"] : uiOptions(node);
  if (options && Object.keys(options).length) ui["ui:options"] = options;
  return [schema, ui];
}

// The values a field can take that a condition may test: a boolean's two,
// or the allowed values of a text.
export function conditionValues(node) {
  if (!node || node.condition) return [];
  if (node.kind === "boolean") return [true, false];
  if (node.kind === "string") return [...new Set(node.enum.map((v) => v.trim()).filter(Boolean))];
  return [];
}

// `dependencies` of the conditional fields among `children` (see the top).
function dependenciesOf(children, schemas) {
  const dependencies = {};
  for (const field of [...new Set(children.filter((c) => c.condition).map((c) => c.condition.field))]) {
    const values = conditionValues(children.find((c) => c.key === field));
    const shown = children.filter((c) => c.condition && c.condition.field === field);
    if (!values.length) {
      throw new Error(`${shown.map((c) => c.key).join(", ")}: shown only when "${field}" has some value, `
        + `but "${field}" is not a yes/no field or a text with allowed values beside it.`);
    }
    const never = shown.filter((c) => !c.condition.values.some((v) => values.includes(v)));
    if (never.length) {
      throw new Error(`${never.map((c) => c.key).join(", ")}: pick the values of "${field}" that show it.`);
    }
    const branches = new Map();
    for (const value of values) {
      const keys = shown.filter((c) => c.condition.values.includes(value)).map((c) => c.key);
      const id = keys.join("\n");
      if (!branches.has(id)) branches.set(id, { values: [], keys });
      branches.get(id).values.push(value);
    }
    dependencies[field] = {
      oneOf: [...branches.values()].map((b) => ({
        properties: {
          [field]: { enum: b.values },
          ...Object.fromEntries(b.keys.map((k) => [k, schemas[k]])),
        },
      })),
    };
  }
  return dependencies;
}

function objectTo(children) {
  const schema = { type: "object", properties: {} };
  const ui = {};
  const required = [];
  const schemas = {};
  for (const child of children) {
    const [sub, subUi] = fieldTo(child);
    schemas[child.key] = sub;
    if (!child.condition) schema.properties[child.key] = sub;
    if (Object.keys(subUi).length) ui[child.key] = subUi;
    // A conditional field is never required: a draft must stay savable
    // whichever branch its answers take.
    if (child.required && !child.condition) required.push(child.key);
  }
  if (required.length) schema.required = required;
  const dependencies = dependenciesOf(children, schemas);
  if (Object.keys(dependencies).length) schema.dependencies = dependencies;
  if (children.length) ui["ui:order"] = [...children.map((c) => c.key), "*"];
  return [schema, ui];
}

// The builder's state of a definition (or of a new, empty type).
export function fromDefinition(definition) {
  const def = definition || {};
  const schema = def.deposit_schema || { type: "object", properties: {} };
  const ui = def.deposit_options || {};
  const config = def.config || {};
  const fields = fieldsOf(schema, ui);
  const { tabs: groups, ...optionsExtra } = ui["ui:options"] || {};
  return {
    meta: {
      name: def.name || "", version: def.version || "1.0.0", fullname: def.fullname || "",
      experiment: def.experiment === undefined ? null : def.experiment,
      is_indexed: def.is_indexed !== false, use_deposit_as_record: def.use_deposit_as_record !== false,
      allow_all: Boolean(def.allow_all),
    },
    fields,
    rootExtra: extraOf(schema, new Set(["type", "properties", "required"])),
    rootUiExtra: pick(ui, new Set(["ui:order", "ui:object", "ui:options", ...fields.map((f) => f.key)])),
    layout: {
      tabs: ui["ui:object"] === "tabView",
      groups: (Array.isArray(groups) ? groups : []).map((g) => ({
        id: String(g.id || g.name || g.title || ""), title: g.title || g.name || g.id || "",
        fields: Array.isArray(g.content) ? g.content : [],
      })),
      optionsExtra,
    },
    facets: Object.entries(config.facets || {}).map(([name, f]) => ({
      name, field: ((f && f.terms) || {}).field || "", size: ((f && f.terms) || {}).size || 10,
      title: (f && f.title) || "",
    })),
    sorts: Object.entries(config.sort_options || {}).map(([name, s]) => ({
      name, field: ((s && s.fields) || [])[0] || "",
    })),
    pidFormat: config.pid_format || "",
    reviewable: Boolean(config.reviewable),
    notifications: config.notifications ? JSON.stringify(config.notifications, null, 2) : "",
    configExtra: pick(config, new Set(["facets", "sort_options", "pid_format", "reviewable", "notifications"])),
    mapping: def.deposit_mapping ? JSON.stringify(def.deposit_mapping, null, 2) : "",
    mappingEdited: Boolean(def.deposit_mapping),
    recordSchema: def.record_schema, recordOptions: def.record_options, recordMapping: def.record_mapping,
    grants: [],
  };
}

// A tab's id from its title: "Basic information" -> "basic_information".
export function tabId(title) {
  return String(title).trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "") || "tab";
}

// The root's `ui:object` / `ui:options` of the layout (tabs, their groups).
function layoutOptions(state) {
  const layout = state.layout || { tabs: false, groups: [], optionsExtra: {} };
  const keys = new Set(state.fields.map((f) => f.key));
  const groups = layout.tabs ? layout.groups
    .map((g) => ({ id: g.id || tabId(g.title), title: g.title, content: g.fields.filter((k) => keys.has(k)) }))
    .filter((g) => g.title.trim() && g.content.length) : [];
  const options = { ...layout.optionsExtra, ...(groups.length ? { tabs: groups.map((g) => ({ ...g, name: g.id })) } : {}) };
  return {
    ...(layout.tabs ? { "ui:object": "tabView" } : {}),
    ...(Object.keys(options).length ? { "ui:options": options } : {}),
  };
}

// The JSON of a text box, or raises naming the part.
export function parseJson(text, part) {
  if (!text || !text.trim()) return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${part}: not valid JSON (${error.message})`);
  }
}

// The definition of the builder's state, as POST /api/jsonschemas/ takes it.
export function toDefinition(state) {
  const [schema, ui] = objectTo(state.fields);
  checkDependencies(schema, state.rootExtra, "The form");
  const depositSchema = { ...state.rootExtra, ...schema };
  const options = { ...state.rootUiExtra, ...layoutOptions(state), ...ui };
  const config = { ...state.configExtra, pid_format: state.pidFormat || null, reviewable: state.reviewable };
  const facets = state.facets.filter((f) => f.name && f.field);
  if (facets.length) {
    config.facets = Object.fromEntries(facets.map((f) => [f.name, {
      terms: { field: f.field, size: Number(f.size) || 10 }, ...(f.title ? { title: f.title } : {}),
    }]));
  }
  const sorts = state.sorts.filter((s) => s.name && s.field);
  if (sorts.length) config.sort_options = Object.fromEntries(sorts.map((s) => [s.name, { fields: [s.field] }]));
  const notifications = parseJson(state.notifications, "Notifications");
  if (notifications) config.notifications = notifications;
  const definition = {
    ...state.meta,
    config,
    deposit_schema: depositSchema,
    deposit_options: options,
    deposit_mapping: state.mappingEdited ? parseJson(state.mapping, "Search mapping") : generateMapping(state.fields),
  };
  // Records that use the deposit's parts take this version's: the previous
  // version's (as GET shows them) would contradict a changed deposit schema.
  if (!state.meta.use_deposit_as_record) {
    if (state.recordSchema !== undefined && state.recordSchema !== null) definition.record_schema = state.recordSchema;
    if (state.recordMapping) definition.record_mapping = state.recordMapping;
  }
  if (state.recordOptions) definition.record_options = state.recordOptions;
  return definition;
}

// Search mapping of the fields: free text searched by word (titles and
// long texts, with a `raw` keyword to sort by), every other string a
// keyword (facets, exact terms), dates, numbers and booleans as such.
// A $ref'd part is left out: indexing gives it the referred schema's mapping.
function mappingOf(node) {
  const kind = node.kind === "array" ? (node.itemKind === "object" ? "object" : node.itemKind) : node.kind;
  if (kind === "ref") return null;
  if (kind === "object") {
    const properties = {};
    for (const child of node.children) {
      const sub = mappingOf(child);
      if (sub) properties[child.key] = sub;
    }
    return { properties };
  }
  if (kind === "number") return { type: "double" };
  if (kind === "integer") return { type: "long" };
  if (kind === "boolean") return { type: "boolean" };
  if (node.format === "date" || node.format === "date-time" || node.widget === "date") return { type: "date" };
  if (node.key === "general_title" || node.key.endsWith("title") || node.widget === "textarea") {
    return { type: "text", fields: { raw: { type: "keyword" } } };
  }
  return { type: "keyword" };
}

export function generateMapping(fields) {
  return mappingOf({ kind: "object", children: fields, key: "" });
}

// Dotted paths of the fields search can count and sort by (keywords,
// numbers, dates, booleans; a text's `raw`), each with its title.
export function termFields(state) {
  const mapping = (() => {
    try {
      return state.mappingEdited ? parseJson(state.mapping, "mapping") : generateMapping(state.fields);
    } catch {
      return null;
    }
  })();
  const out = [];
  const walk = (node, prefix) => {
    for (const [key, sub] of Object.entries((node && node.properties) || {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (sub.properties) walk(sub, path);
      else if (sub.type === "text" && sub.fields && sub.fields.raw) out.push(`${path}.raw`);
      else if (sub.type && sub.type !== "text") out.push(path);
    }
  };
  walk(mapping && (mapping.mappings || mapping), "");
  return out;
}

// Tree operations: each returns a new list of fields.
// -------------------------------------------------

export function find(fields, id, parent = null) {
  for (let i = 0; i < fields.length; i += 1) {
    if (fields[i].id === id) return { node: fields[i], list: fields, index: i, parent };
    const found = find(fields[i].children || [], id, fields[i]);
    if (found) return found;
  }
  return null;
}

export function canHold(node) {
  return node.kind === "object" || (node.kind === "array" && node.itemKind === "object");
}

function mapTree(fields, fn) {
  return fn(fields).map((n) => (n.children && n.children.length ? { ...n, children: mapTree(n.children, fn) } : n));
}

function listOf(fields, parentId) {
  if (parentId === null) return fields;
  return find(fields, parentId).node.children;
}

function replaceList(fields, parentId, list) {
  if (parentId === null) return list;
  return mapTree(fields, (l) => l.map((n) => (n.id === parentId ? { ...n, children: list } : n)));
}

// Changes to field `id`; a new key is also followed by the conditions of
// its siblings that test it.
export function updateField(fields, id, changes) {
  const at = find(fields, id);
  const renamed = at && "key" in changes && changes.key !== at.node.key ? at.node.key : null;
  return mapTree(fields, (l) => l.map((n) => {
    if (n.id === id) return { ...n, ...changes };
    if (renamed !== null && l === at.list && n.condition && n.condition.field === renamed) {
      return { ...n, condition: { ...n.condition, field: changes.key } };
    }
    return n;
  }));
}

export function removeField(fields, id) {
  return mapTree(fields, (l) => l.filter((n) => n.id !== id));
}

// Insert `node` into the children of `parentId` (null: the top) at `index`.
export function insertField(fields, parentId, index, node) {
  const list = [...listOf(fields, parentId)];
  list.splice(Math.max(0, Math.min(index, list.length)), 0, node);
  return replaceList(fields, parentId, list);
}

function contains(node, id) {
  return (node.children || []).some((c) => c.id === id || contains(c, id));
}

// Move field `id` into `parentId` at `index` (not into itself).
export function moveField(fields, id, parentId, index) {
  const at = find(fields, id);
  if (!at || id === parentId || (parentId && contains(at.node, parentId))) return fields;
  const from = at.parent ? at.parent.id : null;
  let target = index;
  if (from === parentId && at.index < index) target -= 1;
  return insertField(removeField(fields, id), parentId, target, at.node);
}

// Up/down among its siblings; indent into the previous sibling (when it
// holds fields), outdent to after its parent.
export function nudge(fields, id, direction) {
  const at = find(fields, id);
  if (!at) return fields;
  const parentId = at.parent ? at.parent.id : null;
  if (direction === "up" && at.index > 0) return moveField(fields, id, parentId, at.index - 1);
  if (direction === "down" && at.index < at.list.length - 1) return moveField(fields, id, parentId, at.index + 2);
  if (direction === "in" && at.index > 0 && canHold(at.list[at.index - 1])) {
    const into = at.list[at.index - 1];
    return moveField(fields, id, into.id, into.children.length);
  }
  if (direction === "out" && at.parent) {
    const up = find(fields, at.parent.id);
    return moveField(fields, id, up.parent ? up.parent.id : null, up.index + 1);
  }
  return fields;
}

// The field a server error path names (["deposit_schema", "properties",
// "a", "items", "properties", "b", "pattern"]), or null.
export function fieldOfError(fields, path) {
  if (!Array.isArray(path) || path[0] !== "deposit_schema") return null;
  let list = fields;
  let found = null;
  for (let i = 1; i < path.length; i += 1) {
    if (path[i] === "items") continue;
    if (path[i] !== "properties" || i + 1 >= path.length) continue;
    const node = list.find((n) => n.key === path[i + 1]);
    if (!node) break;
    found = node;
    list = node.children || [];
    i += 1;
  }
  return found;
}

// Dotted paths of a JSON value's differences: [{path, op, old, new}].
export function diff(a, b, path = []) {
  const object = (v) => v && typeof v === "object" && !Array.isArray(v);
  if (object(a) && object(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => {
      if (!(k in a)) return [{ path: [...path, k], op: "added", new: b[k] }];
      if (!(k in b)) return [{ path: [...path, k], op: "removed", old: a[k] }];
      return diff(a[k], b[k], [...path, k]);
    });
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a === undefined || a === null) return [{ path, op: "added", new: b }];
  if (b === undefined || b === null) return [{ path, op: "removed", old: a }];
  return [{ path, op: "changed", old: a, new: b }];
}

// The next version number after `version` (M.m.p): a minor step.
export function nextVersion(version) {
  const parts = String(version || "0.0.0").replace(/^v/, "").split(".").map(Number);
  return `${parts[0] || 0}.${(parts[1] || 0) + 1}.0`;
}
