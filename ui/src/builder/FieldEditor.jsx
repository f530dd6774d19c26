// What one field is: key, type, texts, rules, widget, suggestions, who
// may change it (x-cap-permission) and when it is shown (a condition on a
// sibling: a yes/no field or a text with allowed values).
import { DAS_KINDS, FORMATS, KINDS, SUGGESTS, WIDGETS, conditionValues } from "./model.js";

const SUGGEST_NAMES = {
  "": "(none)", cadi: "CADI analyses", das: "DAS datasets", triggers: "HLT triggers", orcid: "ORCID people",
  ror: "ROR organisations", users: "CERN users (directory)", egroups: "CERN e-groups (directory)",
};
const valueName = (v) => (v === true ? "yes" : v === false ? "no" : v);

const list = (text) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function Text({ label, value, onChange, id, ...rest }) {
  return (
    <div className="form-group">
      <label htmlFor={id}>{label}</label>
      <input id={id} className="form-control" value={value} onChange={(e) => onChange(e.target.value)} {...rest} />
    </div>
  );
}

// A comma-separated list, read when the box is left (typing a comma keeps it).
function ListText({ label, value, onChange, id }) {
  return (
    <div className="form-group">
      <label htmlFor={id}>{label}</label>
      <input id={id} className="form-control" defaultValue={value.join(", ")}
        onBlur={(e) => onChange(list(e.target.value))} />
    </div>
  );
}

// "Show only when <sibling> is one of <values>".
function Condition({ node, siblings, set }) {
  const controllers = siblings.filter((s) => s.id !== node.id && s.key && conditionValues(s).length);
  const condition = node.condition;
  const controller = condition && siblings.find((s) => s.key === condition.field);
  const values = conditionValues(controller);
  const toggle = (value, on) => set({
    condition: { ...condition, values: on ? [...condition.values, value] : condition.values.filter((v) => v !== value) },
  });
  return (
    <fieldset className="condition">
      <legend>Conditional</legend>
      <div className="form-group">
        <label htmlFor="fe-when">Show only when</label>
        <select id="fe-when" className="form-control" value={condition ? condition.field : ""}
          onChange={(e) => set(e.target.value ? { condition: { field: e.target.value, values: [] }, required: false } : { condition: null })}>
          <option value="">(always shown)</option>
          {condition && !controller && <option value={condition.field}>{condition.field} (not beside it)</option>}
          {controllers.map((c) => <option key={c.id} value={c.key}>{c.title ? `${c.title} (${c.key})` : c.key}</option>)}
        </select>
        {!controllers.length && !condition && (
          <p className="muted">A yes/no field, or a text with allowed values, beside this one can show or hide it.</p>
        )}
      </div>
      {condition && (
        <div role="group" aria-label="Values that show it" className="condition-values">
          <span>is one of:</span>
          {values.map((v) => (
            <label key={String(v)} className="checkbox">
              <input type="checkbox" checked={condition.values.includes(v)} onChange={(e) => toggle(v, e.target.checked)} />
              {" "}{valueName(v)}
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

export default function FieldEditor({ node, siblings, refs, error, onChange }) {
  if (!node) return <p className="muted">Select a field to edit it.</p>;
  const set = (changes) => onChange(node.id, changes);
  const isString = node.kind === "string" || (node.kind === "array" && node.itemKind === "string");
  const widgets = WIDGETS[node.kind] || [];
  const keyProblem = node.key && !KEY.test(node.key) ? "Letters, digits and _ only, not starting with a digit." : null;
  return (
    <div className="field-editor" aria-label={`Field ${node.key}`} role="group">
      {error && <p className="alert alert-danger" role="alert">{error}</p>}
      <Text id="fe-key" label="Key (in the document)" value={node.key} onChange={(key) => set({ key })}
        aria-invalid={keyProblem ? true : undefined} />
      {keyProblem && <p className="field-problem">{keyProblem}</p>}
      <div className="form-group">
        <label htmlFor="fe-kind">Type</label>
        <select id="fe-kind" className="form-control" value={node.kind} onChange={(e) => set({ kind: e.target.value })}>
          {KINDS.map((k) => <option key={k} value={k}>{k === "ref" ? "$ref to a registered type" : k}</option>)}
        </select>
      </div>
      {node.kind === "array" && (
        <div className="form-group">
          <label htmlFor="fe-items">Entries are</label>
          <select id="fe-items" className="form-control" value={node.itemKind} onChange={(e) => set({ itemKind: e.target.value })}>
            <option value="object">objects (groups of fields)</option>
            <option value="string">texts</option>
            <option value="ref">a registered type ($ref)</option>
          </select>
        </div>
      )}
      {(node.kind === "ref" || (node.kind === "array" && node.itemKind === "ref")) && (
        <div className="form-group">
          <label htmlFor="fe-ref">Registered type</label>
          <select id="fe-ref" className="form-control" value={node.ref} onChange={(e) => set({ ref: e.target.value })}>
            <option value="">(choose)</option>
            {refs.map((r) => <option key={r.url} value={r.url}>{r.label}</option>)}
          </select>
        </div>
      )}
      <Text id="fe-title" label="Title" value={node.title} onChange={(title) => set({ title })} />
      <Text id="fe-description" label="Description" value={node.description} onChange={(description) => set({ description })} />
      {node.kind !== "object" && node.kind !== "array" && (
        <Text id="fe-placeholder" label="Placeholder" value={node.placeholder} onChange={(placeholder) => set({ placeholder })} />
      )}
      <div className="form-group checkbox">
        <label><input type="checkbox" checked={node.required && !node.condition} disabled={Boolean(node.condition)}
          onChange={(e) => set({ required: e.target.checked })} /> Required to publish</label>
        {node.condition && <p className="muted">A conditional field is never required: drafts stay savable whatever the answers.</p>}
      </div>
      {isString && (
        <>
          <Text id="fe-pattern" label="Pattern (regular expression)" value={node.pattern} onChange={(pattern) => set({ pattern })}
            placeholder="^[A-Z]{3}-\d{2}-\d{3}$" />
          <div className="form-group">
            <label htmlFor="fe-format">Format</label>
            <select id="fe-format" className="form-control" value={node.format} onChange={(e) => set({ format: e.target.value })}>
              {FORMATS.map((f) => <option key={f} value={f}>{f || "(any text)"}</option>)}
            </select>
          </div>
          <div className="form-group">
            <label htmlFor="fe-enum">Allowed values (one a line; empty: any)</label>
            <textarea id="fe-enum" className="form-control" rows={3} value={node.enum.join("\n")}
              onChange={(e) => set({ enum: e.target.value.split("\n").filter((v, i, all) => v.trim() || i < all.length - 1) })} />
          </div>
          <div className="form-group">
            <label htmlFor="fe-suggest">Suggestions</label>
            <select id="fe-suggest" className="form-control" value={node.suggest} onChange={(e) => set({ suggest: e.target.value })}>
              {SUGGESTS.map((s) => <option key={s} value={s}>{SUGGEST_NAMES[s]}</option>)}
            </select>
          </div>
          {node.suggest === "das" && (
            <div className="form-group">
              <label htmlFor="fe-das">DAS datasets</label>
              <select id="fe-das" className="form-control" value={node.suggestKind} onChange={(e) => set({ suggestKind: e.target.value })}>
                {DAS_KINDS.map((k) => <option key={k} value={k}>{{ "": "all", primary: "primary", mc: "Monte Carlo" }[k]}</option>)}
              </select>
            </div>
          )}
        </>
      )}
      {widgets.length > 0 && !node.suggest && (
        <div className="form-group">
          <label htmlFor="fe-widget">Widget</label>
          <select id="fe-widget" className="form-control" value={node.widget} onChange={(e) => set({ widget: e.target.value })}>
            {widgets.map((w) => <option key={w} value={w}>{w || "(default)"}</option>)}
          </select>
        </div>
      )}
      <Condition node={node} siblings={siblings || []} set={set} />
      <fieldset className="read-only-for">
        <legend>Only these may change it (others see it read-only)</legend>
        <ListText key={`u-${node.id}`} id="fe-ro-users" label="Users (emails, comma-separated)"
          value={node.readOnlyUsers} onChange={(readOnlyUsers) => set({ readOnlyUsers })} />
        <ListText key={`r-${node.id}`} id="fe-ro-roles" label="E-groups / roles (comma-separated)"
          value={node.readOnlyRoles} onChange={(readOnlyRoles) => set({ readOnlyRoles })} />
      </fieldset>
    </div>
  );
}
