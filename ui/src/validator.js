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

function message(error, root) {
  const value = schemaAt(root, error.keywordLocation);
  switch (error.keyword) {
    case "pattern":
      return `must match the pattern ${value}`;
    case "format":
      return `must be a valid ${value}`;
    case "enum":
      return "must be one of the allowed values";
    case "type":
      return `must be ${Array.isArray(value) ? value.join(" or ") : `a ${value}`}`;
    case "required":
      return error.error.replace(/^Instance does not have required property/, "is missing the required field");
    case "minLength":
      return `must have at least ${value} characters`;
    case "maxLength":
      return `must have at most ${value} characters`;
    case "minItems":
      return `must have at least ${value} items`;
    case "uniqueItems":
      return "must not contain duplicates";
    case "minimum":
      return `must be at least ${value}`;
    case "maximum":
      return `must be at most ${value}`;
    default:
      return error.error.replace(/\.$/, "");
  }
}

function withDefinitions(schema, rootSchema) {
  if (!rootSchema || schema === rootSchema) return schema;
  return { ...schema, definitions: rootSchema.definitions, $defs: rootSchema.$defs };
}

function run(schema, data) {
  return new Validator(schema, "7", false).validate(data === undefined ? null : data);
}

const validator = {
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
      .filter((e) => !WRAPPERS.has(e.keyword))
      .map((e) => {
        const path = pointerPath(e.instanceLocation);
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

export default validator;
