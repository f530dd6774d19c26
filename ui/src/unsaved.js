// Changes the server does not have yet, kept in this browser (localStorage)
// until a save answers without refusals: a reload, a crash or a lost
// connection loses nothing. One entry per draft, with the revision the
// changes were made on, so changes made on an older revision are offered,
// never applied silently over a colleague's.

const key = (pid) => `cap-unsaved:${pid}`;

export function readLocal(pid) {
  try {
    const entry = JSON.parse(window.localStorage.getItem(key(pid)));
    return entry && typeof entry === "object" && entry.data ? entry : null;
  } catch {
    return null;
  }
}

export function writeLocal(pid, revision, data) {
  try {
    window.localStorage.setItem(key(pid), JSON.stringify({ revision, data, at: new Date().toISOString() }));
  } catch {
    // Storage full or disabled: the autosave still runs; nothing else to do.
  }
}

export function dropLocal(pid) {
  try {
    window.localStorage.removeItem(key(pid));
  } catch {
    // Storage disabled: nothing was kept.
  }
}
