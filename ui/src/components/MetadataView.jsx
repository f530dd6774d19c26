// Read-only rendering of metadata in the form's order (the schema's), labelled
// with the schema's titles where it has them and enum values by their labels
// (`ui:enumNames` of the form options, or `oneOf` const/title). Every value is
// rendered as text (React escapes it).

function sub(schema, key) {
  if (!schema) return null;
  if (schema.properties && schema.properties[key]) return schema.properties[key];
  return null;
}

function label(schema, key) {
  return (schema && schema.title) || key.replace(/_/g, " ");
}

// Where `key` sits in the form: the options' `ui:order` ("*" for the rest),
// then the schema's property order, then keys neither knows.
export function keyRank(schema, ui, key) {
  const order = (ui && ui["ui:order"]) || [];
  const known = Object.keys((schema && schema.properties) || {});
  const star = order.includes("*") ? order.indexOf("*") : order.length;
  if (order.includes(key)) return order.indexOf(key);
  const i = known.indexOf(key);
  return star + (i >= 0 ? i / (known.length + 1) : 0.999);
}

// Keys of `value` in the form's order.
function ordered(value, schema, ui) {
  return Object.keys(value).sort((a, b) => keyRank(schema, ui, a) - keyRank(schema, ui, b));
}

function enumLabel(value, schema, ui) {
  if (!schema) return null;
  const names = ui && ui["ui:enumNames"];
  if (Array.isArray(schema.enum) && Array.isArray(names)) {
    const i = schema.enum.indexOf(value);
    if (i >= 0 && names[i]) return names[i];
  }
  const option = (schema.oneOf || schema.anyOf || []).find((o) => o && o.const === value);
  return (option && option.title) || null;
}

function Value({ value, schema, ui }) {
  if (value === null || value === undefined || value === "") return <span className="muted">—</span>;
  if (Array.isArray(value)) {
    if (!value.length) return <span className="muted">—</span>;
    const items = schema && schema.items;
    return (
      <ol className="md-list">
        {value.map((v, i) => <li key={i}><Value value={v} schema={items} ui={ui && ui.items} /></li>)}
      </ol>
    );
  }
  if (typeof value === "object") {
    return (
      <dl className="md">
        {ordered(value, schema, ui).map((k) => {
          const s = sub(schema, k);
          return (
            <div key={k} className="md-row">
              <dt>{label(s, k)}</dt>
              <dd><Value value={value[k]} schema={s} ui={ui && ui[k]} /></dd>
            </div>
          );
        })}
      </dl>
    );
  }
  if (typeof value === "boolean") return <span>{value ? "yes" : "no"}</span>;
  const text = String(value);
  const named = enumLabel(value, schema, ui);
  if (named) return <span title={text}>{named}</span>;
  if (/^https?:\/\//.test(text)) return <a href={text} rel="noopener noreferrer">{text}</a>;
  return <span>{text}</span>;
}

export default function MetadataView({ metadata, schema, uiSchema }) {
  const props = (schema && schema.properties) || {};
  return (
    <div className="metadata">
      {ordered(metadata || {}, schema, uiSchema).map((key) => (
        <section key={key} className="md-section">
          <h3>{label(props[key], key)}</h3>
          <Value value={metadata[key]} schema={props[key]} ui={uiSchema && uiSchema[key]} />
        </section>
      ))}
    </div>
  );
}
