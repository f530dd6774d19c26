// @rjsf/core's getTestRegistry (a test helper it exports) imports
// @rjsf/validator-ajv8; CAP never uses it. The build aliases that import here
// so no eval-based validator ends up in the bundle.
import { draftValidator as validator } from "./validator.js";

export function customizeValidator() {
  return validator;
}
export default validator;
