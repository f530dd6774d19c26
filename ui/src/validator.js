// A react-jsonschema-form validator that needs no eval: CAP's pages run under
// a Content-Security-Policy without 'unsafe-eval', which rules out ajv (it
// compiles schemas with `Function`). @cfworker/json-schema interprets the
// schema instead.
import { Validator } from "@cfworker/json-schema";
import {
  ErrorSchemaBuilder,
  createErrorHandler,
  toErrorList,
  unwrapErrorHandler,
  validationDataMerge,
} from "@rjsf/utils";

// Keywords that only report that something below them failed.
const WRAPPERS = new Set([
  "properties", "items", "prefixItems", "additionalItems", "$ref", "allOf",
  "if", "then", "else", "dependentSchemas", "patternProperties", "unevaluatedProperties",
  "unevaluatedItems", "contains", "not", "dependencies",
]);

function pointerPath(location) {
  return location
    .replace(/^#\/?/, "")
    .split("/")
    .filter((p) => p !== "")
    .map((p) => decodeURIComponent(p.replace(/~1/g, "/").replace(/~0/g, "~")));
}

function schemaAt(root, keywordLocation) {
  let node = root;
  for (const part of pointerPath(keywordLocation)) {
    if (node == null) return undefined;
    node = node[part];
  }
  return node;
}

// The schema object a keyword belongs to (its location minus the keyword).
function ownerOf(root, keywordLocation) {
  return schemaAt(root, keywordLocation.replace(/\/[^/]*$/, "")) || {};
}

// A schema's own words for a failing keyword: `x-cap-error` or
// `errorMessage` (a text, or one per keyword as ajv-errors has it).
function ownWords(node, keyword) {
  for (const key of ["x-cap-error", "errorMessage"]) {
    const words = node[key];
    if (typeof words === "string") return words;
    if (words && typeof words === "object" && typeof words[keyword] === "string") return words[keyword];
  }
  return null;
}

const FORMATS = {
  email: "an email address", date: "a date (YYYY-MM-DD)", "date-time": "a date and time",
  uri: "a web address (https://…)", url: "a web address (https://…)",
};

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// An error in words from the schema (its title, description, examples),
// never a raw regular expression.
function message(error, root) {
  const value = schemaAt(root, error.keywordLocation);
  const node = ownerOf(root, error.keywordLocation);
  const words = ownWords(node, error.keyword);
  if (words) return words;
  const example = Array.isArray(node.examples) && node.examples.length ? ` e.g. ${node.examples[0]}` : "";
  switch (error.keyword) {
    case "pattern":
      return node.description
        ? `Not in the expected form: ${node.description}${example ? ` (${example.trim()})` : ""}`
        : `Not in the expected form${example ? `:${example}` : ""}`;
    case "format":
      return `Must be ${FORMATS[value] || `a valid ${value}`}`;
    case "enum":
      return "Choose one of the listed values";
    case "const":
      return "Has an unexpected value";
    case "type":
      return `Must be ${[].concat(value).map((t) => ({ integer: "a whole number", number: "a number", string: "text", boolean: "yes or no", array: "a list", object: "a group of fields" }[t] || t)).join(" or ")}`;
    case "required":
      return "Required";
    case "minLength":
      return value === 1 ? "Must not be empty" : `Must have at least ${plural(value, "character")}`;
    case "maxLength":
      return `Must have at most ${plural(value, "character")}`;
    case "minItems":
      return `Needs at least ${plural(value, "entry")}`.replace("entrys", "entries");
    case "maxItems":
      return `Takes at most ${plural(value, "entry")}`.replace("entrys", "entries");
    case "uniqueItems":
      return "Has the same entry twice";
    case "minimum":
      return `Must be at least ${value}`;
    case "maximum":
      return `Must be at most ${value}`;
    default:
      return error.error.replace(/\.$/, "");
  }
}

// The path of the value an error is about: a missing required property's
// own path, so the message shows under that field.
function errorPath(error) {
  const path = pointerPath(error.instanceLocation);
  if (error.keyword === "required") {
    const missing = /"([^"]+)"/.exec(error.error);
    if (missing) path.push(missing[1]);
  }
  return path;
}

function withDefinitions(schema, rootSchema) {
  if (!rootSchema || schema === rootSchema) return schema;
  return { ...schema, definitions: rootSchema.definitions, $defs: rootSchema.$defs };
}

// What a save would send: a field emptied in the form is `undefined`, which
// JSON (and so the server) leaves out, and which the validator refuses to read.
function run(schema, data) {
  return new Validator(schema, "7", false).validate(data === undefined ? null : JSON.parse(JSON.stringify(data)));
}

// `required`: whether missing required fields count (publish) or not
// (drafts save half-done; the form still marks them).
function makeValidator({ required }) {
  return {
  rawValidation(schema, formData) {
    try {
      return { errors: run(schema, formData).errors };
    } catch (validationError) {
      return { validationError };
    }
  },

  validateFormData(formData, schema, customValidate, transformErrors, uiSchema) {
    const raw = this.rawValidation(schema, formData);
    let errors = (raw.errors || [])
      .filter((e) => !WRAPPERS.has(e.keyword) && (required || e.keyword !== "required"))
      .map((e) => {
        const path = errorPath(e);
        const text = message(e, schema);
        const property = path.length ? `.${path.join(".")}` : "";
        return {
          name: e.keyword,
          property,
          message: text,
          params: {},
          stack: `${property || "."} ${text}`.trim(),
          schemaPath: e.keywordLocation,
        };
      });
    if (raw.validationError) {
      errors.push({ name: "schema", property: "", message: raw.validationError.message, stack: raw.validationError.message });
    }
    if (typeof transformErrors === "function") errors = transformErrors(errors, uiSchema);
    const builder = new ErrorSchemaBuilder();
    for (const error of errors) {
      builder.addErrors(error.message, error.property ? error.property.slice(1).split(".") : undefined);
    }
    const result = { errors, errorSchema: builder.ErrorSchema };
    if (typeof customValidate !== "function") return result;
    const handler = customValidate(formData, createErrorHandler(formData), uiSchema);
    return validationDataMerge(result, unwrapErrorHandler(handler));
  },

  isValid(schema, formData, rootSchema) {
    try {
      return run(withDefinitions(schema, rootSchema), formData).valid;
    } catch {
      return false;
    }
  },

  toErrorList(errorSchema, fieldPath) {
    return toErrorList(errorSchema, fieldPath);
  },

  reset() {},
  };
}

export const draftValidator = makeValidator({ required: false });
export const publishValidator = makeValidator({ required: true });

// What the form's own (draft) validation already flags in `data`, as an
// error schema: the `shown` of inlineErrors, so that the publish check or
// the server does not say it a second time under the same field.
export function draftErrorSchema(schema, data) {
  return draftValidator.validateFormData(data || {}, schema).errorSchema;
}

// Every field publishing lacks or refuses, at once, as `[{field, message}]`
// in form order: a missing group of fields counts as its own missing
// fields (filled with {} and checked again), not as one line for the group.
export function publishProblems(schema, data) {
  const doc = structuredClone(data || {});
  for (let round = 0; round < 10; round += 1) {
    const { errors } = publishValidator.validateFormData(doc, schema);
    let filled = false;
    for (const e of errors) {
      if (e.name !== "required") continue;
      const parts = e.property.slice(1).split(".");
      const node = parts.reduce(
        (n, part) => n && (/^\d+$/.test(part) ? n.items : (n.properties || {})[part]), schema,
      );
      const parent = parts.slice(0, -1).reduce((n, part) => n && n[part], doc);
      if (node && node.type === "object" && (node.required || []).length && parent && typeof parent === "object") {
        parent[parts[parts.length - 1]] = {};
        filled = true;
      }
    }
    if (!filled) {
      const problems = errors.map((e) => ({ field: e.property ? e.property.slice(1).split(".") : [], message: e.message }));
      return problems.sort((a, b) => compareOrder(formOrder(schema, a.field), formOrder(schema, b.field)));
    }
  }
  return [];
}

// Where a field comes in the form: the positions of its parts among their
// siblings (schema property order; array indexes as they are).
function formOrder(schema, parts) {
  const out = [];
  let node = schema;
  for (const part of parts) {
    if (/^\d+$/.test(part)) {
      out.push(Number(part));
      node = node && node.items;
    } else {
      const names = Object.keys((node && node.properties) || {});
      out.push(names.includes(part) ? names.indexOf(part) : names.length);
      node = node && node.properties && node.properties[part];
    }
  }
  return out;
}

function compareOrder(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
