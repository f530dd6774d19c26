// Form layout from a definition's deposit_options, in the format of the
// collaborations' definitions (legacy CAP's forms):
//
// - tabs: `"ui:object": "tabView"` on an object (in the real models, the
//   form's root) shows each of its fields as a tab, in `ui:order`;
//   `ui:options.tabs: [{id, title, content: [keys]}]` gathers several fields
//   in one tab (a field in none keeps a tab of its own), `ui:options.initTab`
//   names the tab shown first.
// - conditional fields are JSON Schema's (`dependencies` with `oneOf`
//   branches), which react-jsonschema-form draws itself.
//
// Every tab's fields stay rendered (hidden when their tab is not shown), so
// the field ids the editor scrolls to and the errors under them exist; a tab
// holding errors says so, and is shown when errors appear only there.
import { useEffect, useId, useMemo, useState } from "react";
import { getUiOptions } from "@rjsf/utils";

function hasErrors(errorSchema) {
  if (!errorSchema || typeof errorSchema !== "object") return false;
  if ((errorSchema.__errors || []).length) return true;
  return Object.entries(errorSchema).some(([key, sub]) => key !== "__errors" && hasErrors(sub));
}

// The tabs of an object's properties (as rjsf orders them): [{id, title, names}].
export function tabsOf(properties, schema, groups) {
  const groupOf = new Map();
  for (const group of groups || []) {
    for (const name of group.content || []) if (!groupOf.has(name)) groupOf.set(name, group);
  }
  const tabs = [];
  const placed = new Map();
  for (const { name, hidden } of properties) {
    if (hidden) continue;
    const group = groupOf.get(name);
    if (group && placed.has(group)) {
      placed.get(group).names.push(name);
      continue;
    }
    const sub = (schema.properties || {})[name] || {};
    const tab = group
      ? { id: String(group.id || group.name || group.title), title: group.title || group.name || group.id, names: [name] }
      : { id: name, title: sub.title || name, names: [name] };
    if (group) placed.set(group, tab);
    tabs.push(tab);
  }
  return tabs;
}

function TabsObjectTemplate(props) {
  const { properties, schema, uiSchema, errorSchema, title } = props;
  const options = getUiOptions(uiSchema);
  const uid = useId();
  const tabs = useMemo(() => tabsOf(properties, schema, options.tabs), [properties, schema, options.tabs]);
  const [active, setActive] = useState(options.initTab || null);
  const shown = tabs.find((t) => t.id === active) || tabs[0];
  const withErrors = tabs.filter((t) => t.names.some((n) => hasErrors((errorSchema || {})[n]))).map((t) => t.id);
  const errorKey = withErrors.join("\n");

  // Errors that appear in other tabs only (e.g. the publish check): show the first.
  useEffect(() => {
    if (withErrors.length && shown && !withErrors.includes(shown.id)) setActive(withErrors[0]);
  }, [errorKey]); // eslint-disable-line react-hooks/exhaustive-deps

  function onKeyDown(event) {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step || !shown) return;
    event.preventDefault();
    const next = tabs[(tabs.indexOf(shown) + step + tabs.length) % tabs.length];
    setActive(next.id);
    document.getElementById(`${uid}-tab-${next.id}`)?.focus();
  }

  const byName = new Map(properties.map((p) => [p.name, p]));
  return (
    <div className="form-tabs">
      <div className="tabs" role="tablist" aria-label={title || "Sections"} onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button key={t.id} id={`${uid}-tab-${t.id}`} type="button" role="tab" className={`tab${t === shown ? " active" : ""}`}
            aria-selected={t === shown} aria-controls={`${uid}-panel-${t.id}`} tabIndex={t === shown ? 0 : -1}
            onClick={() => setActive(t.id)}>
            {t.title}
            {withErrors.includes(t.id) && <span className="tab-error" title="has problems"> !</span>}
          </button>
        ))}
      </div>
      {tabs.map((t) => (
        <div key={t.id} id={`${uid}-panel-${t.id}`} role="tabpanel" aria-labelledby={`${uid}-tab-${t.id}`}
          hidden={t !== shown}>
          {t.names.map((name) => byName.get(name).content)}
        </div>
      ))}
      {properties.filter((p) => p.hidden).map((p) => p.content)}
    </div>
  );
}

// A uiSchema node drawn as tabs where it asks for them (applied to every
// node by mapUiSchema); other objects keep rjsf's own template.
export function withLayout(node) {
  if (node["ui:object"] === "tabView" && !node["ui:ObjectFieldTemplate"]) {
    return { ...node, "ui:ObjectFieldTemplate": TabsObjectTemplate };
  }
  return node;
}
