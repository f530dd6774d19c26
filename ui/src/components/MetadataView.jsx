// Read-only rendering of metadata, labelled with the schema's titles where
// the schema has them. Every value is rendered as text (React escapes it).

function sub(schema, key) {
  if (!schema) return null;
  if (schema.properties && schema.properties[key]) return schema.properties[key];
  return null;
}

function label(schema, key) {
  return (schema && schema.title) || key.replace(/_/g, " ");
}

function Value({ value, schema }) {
  if (value === null || value === undefined || value === "") return <span className="muted">—</span>;
  if (Array.isArray(value)) {
    if (!value.length) return <span className="muted">—</span>;
    const items = schema && schema.items;
    return (
      <ol className="md-list">
        {value.map((v, i) => <li key={i}><Value value={v} schema={items} /></li>)}
      </ol>
    );
  }
  if (typeof value === "object") {
    return (
      <dl className="md">
        {Object.entries(value).map(([k, v]) => {
          const s = sub(schema, k);
          return (
            <div key={k} className="md-row">
              <dt>{label(s, k)}</dt>
              <dd><Value value={v} schema={s} /></dd>
            </div>
          );
        })}
      </dl>
    );
  }
  if (typeof value === "boolean") return <span>{value ? "yes" : "no"}</span>;
  const text = String(value);
  if (/^https?:\/\//.test(text)) return <a href={text} rel="noopener noreferrer">{text}</a>;
  return <span>{text}</span>;
}

export default function MetadataView({ metadata, schema }) {
  const props = (schema && schema.properties) || {};
  const order = Object.keys(props).filter((k) => k in (metadata || {}));
  const rest = Object.keys(metadata || {}).filter((k) => !(k in props));
  return (
    <div className="metadata">
      {[...order, ...rest].map((key) => (
        <section key={key} className="md-section">
          <h3>{label(props[key], key)}</h3>
          <Value value={metadata[key]} schema={props[key]} />
        </section>
      ))}
    </div>
  );
}
