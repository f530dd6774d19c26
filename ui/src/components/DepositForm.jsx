// The deposit form: react-jsonschema-form with CAP's fields (autocomplete),
// templates, eval-free validator and options. The deposit editor and the
// content builder's live preview both render this one component, so the
// preview is what a depositor gets.
import Form from "@rjsf/core";
import { useMemo } from "react";
import { draftValidator } from "../validator.js";
import { FORM_TEMPLATES } from "./FormTemplates.jsx";
import SuggestField, { withSuggestFields } from "./Suggest.jsx";

const FIELDS = { suggest: SuggestField };

export default function DepositForm({ schema, uiSchema, ...props }) {
  const ui = useMemo(() => withSuggestFields(uiSchema || {}), [uiSchema]);
  return (
    <Form
      schema={schema}
      uiSchema={{ ...ui, "ui:submitButtonOptions": { norender: true } }}
      fields={FIELDS}
      templates={FORM_TEMPLATES}
      validator={draftValidator}
      liveValidate="onChange"
      showErrorList={false}
      noHtml5Validate
      idPrefix="field"
      {...props}
    />
  );
}
