// react-jsonschema-form templates: its own, except the required mark and the
// array buttons. Fields required to publish show a "*" next to (not in) their
// label, that screen readers skip (the input says aria-required): a field's
// label stays its schema title. rjsf's own array buttons draw only a
// Bootstrap 3 glyphicon, a font we do not ship: ours show a symbol and are
// named by rjsf's (translatable) button titles.
import { getTemplate, getUiOptions, TranslatableString } from "@rjsf/utils";

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

function symbolButton(symbol, name, kind = "default") {
  return function SymbolButton({ className = "", registry, uiSchema, iconType, icon, ...props }) {
    const label = registry.translateString(name);
    return (
      <button type="button" className={`btn btn-${kind} ${className}`} title={label} aria-label={label} {...props}>
        <span aria-hidden="true">{symbol}</span>
      </button>
    );
  };
}

function AddButton({ className = "", registry, uiSchema, iconType, icon, ...props }) {
  return (
    <p className={`array-add ${className}`}>
      <button type="button" className="btn btn-add" {...props}>
        <span aria-hidden="true">+ </span>{registry.translateString(TranslatableString.AddButton)}
      </button>
    </p>
  );
}

const BUTTON_TEMPLATES = {
  AddButton,
  MoveUpButton: symbolButton("↑", TranslatableString.MoveUpButton),
  MoveDownButton: symbolButton("↓", TranslatableString.MoveDownButton),
  CopyButton: symbolButton("⧉", TranslatableString.CopyButton),
  RemoveButton: symbolButton("×", TranslatableString.RemoveButton, "danger"),
};

export const FORM_TEMPLATES = { FieldTemplate, TitleFieldTemplate, ButtonTemplates: BUTTON_TEMPLATES };
