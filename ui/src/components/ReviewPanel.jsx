import { useEffect, useState } from "react";
import { api } from "../api.js";
import { errorText, fmtDate } from "../util.js";

// The three things a review can say (the API's `type`), as people read them.
export const REVIEW_TYPES = [
  ["approved", "Approve"],
  ["request_changes", "Request changes"],
  ["declined", "Decline"],
];
const TYPE_NAMES = {
  approved: "approved",
  request_changes: "changes requested",
  declined: "declined",
  pending: "review pending",
};

// The review status a search hit carries (reviewable types only).
export function ReviewBadge({ hit }) {
  if (!hit.review_status) return null;
  return (
    <span className={`badge badge-review badge-review-${hit.review_status}`} title="Review status">
      {TYPE_NAMES[hit.review_status] || hit.review_status}
    </span>
  );
}

// Reviews of a draft (kind "deposits", target: its form answer) or of a
// record (kind "records", target: its answer): the list, and for reviewers
// a form to add one, comment on one, resolve one and delete their own.
// What the caller may do comes from the draft's form answer (`can_review`,
// and `schemas.config.reviewable`), read here for a record.
export default function ReviewPanel({ kind, target, title = "Reviews" }) {
  const [reviews, setReviews] = useState(target.review || []);
  const [abilities, setAbilities] = useState(kind === "deposits" ? formAbilities(target) : null);
  const [type, setType] = useState("approved");
  const [body, setBody] = useState("");
  const [comments, setComments] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [me, setMe] = useState(null);
  const pid = kind === "records" ? target.recid : target.id;

  useEffect(() => {
    api("me").then(({ data }) => setMe(data && data.email)).catch(() => setMe(null));
    if (kind !== "records" || !target.draft_id) return;
    api(`deposits/${encodeURIComponent(target.draft_id)}`, { accept: "application/form+json" })
      .then(({ data }) => setAbilities(formAbilities(data)))
      .catch(() => setAbilities({ reviewable: (target.review || []).length > 0, canReview: false }));
  }, [kind, pid]);

  if (!abilities || (!abilities.reviewable && !reviews.length)) return null;

  async function send(payload) {
    setBusy(true);
    setError(null);
    try {
      const { data } = await api(`${kind}/${encodeURIComponent(pid)}/actions/review`,
        { method: "POST", body: payload });
      setReviews(data.review || []);
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function add(event) {
    event.preventDefault();
    if (await send(body.trim() ? { type, body } : { type })) setBody("");
  }

  async function comment(id) {
    if (await send({ id, action: "comment", body: comments[id] || "" })) {
      setComments((c) => ({ ...c, [id]: "" }));
    }
  }

  return (
    <section className="panel review-panel" aria-labelledby={`reviews-title-${kind}`}>
      <h2 id={`reviews-title-${kind}`}>{title}</h2>
      {!reviews.length && <p className="muted">No reviews yet.</p>}
      <ol className="reviews">
        {reviews.map((r) => (
          <li key={r.id} className={`review review-${r.type}${r.outdated ? " review-outdated" : ""}`}>
            <p>
              <span className={`badge badge-review badge-review-${r.type}`}>{TYPE_NAMES[r.type] || r.type}</span>
              {" "}by {(r.reviewer && r.reviewer.email) || "a former user"} · {fmtDate(r.created)}
              {r.resolved && <> · <strong>resolved</strong></>}
              {r.outdated && <> · <em>about an earlier version</em></>}
            </p>
            {r.body && <p className="review-body">{r.body}</p>}
            {r.comments.length > 0 && (
              <ul className="review-comments">
                {r.comments.map((c, i) => (
                  <li key={i}>{c.body} <span className="muted small">— {(c.author && c.author.email) || "a former user"}, {fmtDate(c.created)}</span></li>
                ))}
              </ul>
            )}
            {abilities.canReview && (
              <div className="review-actions">
                <label className="sr-only" htmlFor={`comment-${r.id}`}>Comment</label>
                <input id={`comment-${r.id}`} type="text" placeholder="Comment…" value={comments[r.id] || ""}
                  onChange={(e) => setComments((c) => ({ ...c, [r.id]: e.target.value }))} />
                <button type="button" className="btn" disabled={busy || !(comments[r.id] || "").trim()}
                  onClick={() => comment(r.id)}>Comment</button>
                {!r.resolved && (
                  <button type="button" className="btn" disabled={busy}
                    onClick={() => send({ id: r.id, action: "resolve" })}>Resolve</button>
                )}
                {me && r.reviewer && r.reviewer.email === me && (
                  <button type="button" className="btn" disabled={busy}
                    onClick={() => send({ id: r.id, action: "delete" })}>Delete</button>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
      {abilities.canReview && abilities.reviewable && (
        <form className="review-form" onSubmit={add}>
          <fieldset>
            <legend>Add a review</legend>
            {REVIEW_TYPES.map(([value, label]) => (
              <label key={value} className="review-type">
                <input type="radio" name={`review-type-${kind}`} value={value} checked={type === value}
                  onChange={() => setType(value)} /> {label}
              </label>
            ))}
            <label htmlFor={`review-body-${kind}`}>Comment for the submitter</label>
            <textarea id={`review-body-${kind}`} rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
            <button type="submit" className="btn btn-primary" disabled={busy}>Submit review</button>
          </fieldset>
        </form>
      )}
      {error && <p className="alert alert-danger" role="alert">{errorText(error)}</p>}
    </section>
  );
}

// On a draft being edited after its publish: the published record's reviews,
// which asked for the changes (the draft's own start empty with each revision).
export function PublishedReviews({ recid }) {
  const [record, setRecord] = useState(null);
  useEffect(() => {
    api(`records/${encodeURIComponent(recid)}`).then(({ data }) => setRecord(data)).catch(() => setRecord(null));
  }, [recid]);
  if (!record || !(record.review || []).length) return null;
  return <ReviewPanel kind="records" target={record} key={record.revision}
    title={`Reviews of ${recid}, as published`} />;
}

function formAbilities(form) {
  const config = (form.schemas && form.schemas.config) || {};
  return { reviewable: Boolean(config.reviewable), canReview: Boolean(form.can_review) };
}
