// The deposit form: react-jsonschema-form with CAP's fields (autocomplete),
// templates, layout (tabs), eval-free validator and options. The deposit
// editor and the content builder's live preview both render this one
// component, so the preview is what a depositor gets.
import Form from "@rjsf/core";
import { useMemo } from "react";
import { mapUiSchema } from "../util.js";
import { draftValidator } from "../validator.js";
import { withLayout } from "./FormLayout.jsx";
import { FORM_TEMPLATES } from "./FormTemplates.jsx";
import SuggestField, { withSuggestField } from "./Suggest.jsx";

const FIELDS = { suggest: SuggestField };

export default function DepositForm({ schema, uiSchema, ...props }) {
  const ui = useMemo(() => mapUiSchema(uiSchema || {}, (node) => withLayout(withSuggestField(node))), [uiSchema]);
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
