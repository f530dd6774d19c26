// The field tree of the builder: select, drag and drop, or move with the
// buttons (and Alt+arrow keys on a selected field), add and remove fields.
import { useState } from "react";
import { canHold } from "./model.js";

const KEYS = { ArrowUp: "up", ArrowDown: "down", ArrowRight: "in", ArrowLeft: "out" };

function kindLabel(node) {
  if (node.kind === "array") return `array of ${node.itemKind === "ref" ? "$ref" : `${node.itemKind}s`}`;
  if (node.kind === "ref") return "$ref";
  return node.kind;
}

export default function FieldTree({ fields, selected, errors, onSelect, onMove, onNudge, onAdd, onRemove }) {
  const [dragging, setDragging] = useState(null);

  function drop(event, parentId, index) {
    event.preventDefault();
    event.stopPropagation();
    const id = event.dataTransfer.getData("text/x-cap-field") || dragging;
    setDragging(null);
    if (id) onMove(id, parentId, index);
  }

  function DropZone({ parentId, index, label }) {
    return (
      <li className={`drop-zone${dragging ? " active" : ""}`} aria-hidden="true" title={label}
        onDragOver={(e) => e.preventDefault()} onDrop={(e) => drop(e, parentId, index)} />
    );
  }

  function render(list, parentId, parentKey) {
    return (
      <ul className="field-tree" role={parentId ? "group" : "tree"} aria-label={parentId ? undefined : "Fields"}>
        {list.map((node, index) => {
          const isSelected = node.id === selected;
          const problem = errors[node.id];
          return (
            <li key={node.id} role="treeitem" aria-selected={isSelected} aria-expanded={canHold(node) ? true : undefined}>
              <div
                className={`field-row${isSelected ? " selected" : ""}${problem ? " has-error" : ""}`}
                draggable
                data-field={node.key}
                onDragStart={(e) => { e.dataTransfer.setData("text/x-cap-field", node.id); setDragging(node.id); }}
                onDragEnd={() => setDragging(null)}
                onDragOver={(e) => e.preventDefault()}
                onDrop={(e) => drop(e, parentId, index)}
              >
                <button type="button" className="field-pick" onClick={() => onSelect(node.id)}
                  onKeyDown={(e) => {
                    if (e.altKey && KEYS[e.key]) { e.preventDefault(); onNudge(node.id, KEYS[e.key]); }
                  }}
                  title="Alt+arrows move the field">
                  <span className="drag-handle" aria-hidden="true">⠿</span>
                  <strong>{node.key || <em>(no key)</em>}</strong>
                  {node.required && <abbr className="required" title="required to publish">*</abbr>}
                  <span className="kind">{kindLabel(node)}</span>
                  {node.suggest && <span className="kind suggest-badge">{node.suggest}</span>}
                  {node.condition && (
                    <span className="kind condition-badge" title={`shown only when ${node.condition.field} is one of the chosen values`}>
                      if {node.condition.field}</span>
                  )}
                  {problem && <span className="field-error-badge" title={problem}>!</span>}
                </button>
                <span className="field-actions">
                  <button type="button" className="btn btn-small" aria-label={`Move ${node.key} up`} onClick={() => onNudge(node.id, "up")}>↑</button>
                  <button type="button" className="btn btn-small" aria-label={`Move ${node.key} down`} onClick={() => onNudge(node.id, "down")}>↓</button>
                  <button type="button" className="btn btn-small" aria-label={`Move ${node.key} into the field above`} onClick={() => onNudge(node.id, "in")}>→</button>
                  <button type="button" className="btn btn-small" aria-label={`Move ${node.key} out of ${parentKey || "its group"}`} onClick={() => onNudge(node.id, "out")} disabled={!parentId}>←</button>
                  {canHold(node) && (
                    <button type="button" className="btn btn-small" aria-label={`Add a field to ${node.key}`} onClick={() => onAdd(node.id)}>+</button>
                  )}
                  <button type="button" className="btn btn-small btn-danger" aria-label={`Remove ${node.key}`} onClick={() => onRemove(node.id)}>✕</button>
                </span>
              </div>
              {canHold(node) && render(node.children, node.id, node.key)}
            </li>
          );
        })}
        <DropZone parentId={parentId} index={list.length} label={`Drop here: end of ${parentKey || "the form"}`} />
      </ul>
    );
  }

  return (
    <div className="field-tree-box">
      {fields.length ? render(fields, null, null) : <p className="muted">No fields yet: add one.</p>}
      <button type="button" className="btn" onClick={() => onAdd(null)}>Add a field</button>
    </div>
  );
}
