// react-jsonschema-form templates: its own, except the required mark. Fields
// required to publish show a "*" next to (not in) their label, that screen
// readers skip (the input says aria-required): a field's label stays its
// schema title.
import { getTemplate, getUiOptions } from "@rjsf/utils";

export function RequiredMark() {
  return <abbr className="required" title="required to publish" aria-hidden="true">*</abbr>;
}

function FieldTemplate(props) {
  const {
    id, label, children, errors, help, description, rawHelp, rawDescription, hidden, required, displayLabel,
    registry, uiSchema,
  } = props;
  const options = getUiOptions(uiSchema);
  const Wrap = getTemplate("WrapIfAdditionalTemplate", registry, options);
  if (hidden) return <div className="hidden">{children}</div>;
  const showLabel = displayLabel && options.widget !== "checkbox" && label;
  return (
    <Wrap {...props}>
      {showLabel && (
        <div className="label-row">
          <label className="control-label" htmlFor={id}>{label}</label>{required && <RequiredMark />}
        </div>
      )}
      {displayLabel && description ? description : null}
      {children}
      {errors}
      {/* Options that repeat the schema's description as help would say it twice. */}
      {displayLabel && rawDescription && rawHelp === rawDescription ? null : help}
    </Wrap>
  );
}

function TitleFieldTemplate({ id, title, required, optionalDataControl }) {
  return (
    <legend id={id}>
      {title}{required && <RequiredMark />}
      {optionalDataControl && <span className="pull-right">{optionalDataControl}</span>}
    </legend>
  );
}

export const FORM_TEMPLATES = { FieldTemplate, TitleFieldTemplate };
