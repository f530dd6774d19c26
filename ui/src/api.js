// Calls to CAP's REST API from the browser: same origin, the session cookie,
// and invenio-rest's CSRF protection (the `csrftoken` cookie echoed in the
// X-CSRFToken header on every write).

export const API = "/api";
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function getCookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `Request failed (${status})`);
    this.status = status;
    this.body = body;
  }
}

function writeHeaders(method, headers) {
  const out = { ...headers };
  if (!SAFE.has(method)) {
    const token = getCookie("csrftoken");
    if (token) out["X-CSRFToken"] = token;
  }
  return out;
}

export async function api(path, { method = "GET", body, headers = {}, accept } = {}) {
  const init = {
    method,
    credentials: "same-origin",
    headers: writeHeaders(method, { Accept: accept || "application/json", ...headers }),
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = init.headers["Content-Type"] || "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const url = path.startsWith("http") || path.startsWith("/") ? path : `${API}/${path}`;
  const response = await fetch(url, init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, status: response.status, etag: response.headers.get("ETag") };
}

// Upload with progress (fetch has no upload progress): PUT raw bytes.
export function upload(url, file, { tags, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.withCredentials = true;
    const headers = writeHeaders("PUT", {
      Accept: "application/json",
      "Content-Type": file.type || "application/octet-stream",
    });
    if (tags) headers["X-CAP-File-Tags"] = tags;
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = { message: xhr.responseText };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    };
    xhr.onerror = () => reject(new ApiError(0, { message: "Network error" }));
    xhr.send(file);
  });
}

// Paths in the API's answers are absolute URLs under SITE_API_URL; the
// browser calls the same origin it was served from.
export function sameOrigin(url) {
  try {
    const u = new URL(url, window.location.href);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
