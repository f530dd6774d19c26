// The API documentation page (/docs/api): Swagger UI, bundled from npm
// (swagger-ui-dist; no CDN), rendering the description the API builds from
// its own routes (GET /api/openapi.json). Its own entry, so the other pages
// never load it.
import SwaggerUIBundle from "swagger-ui-dist/swagger-ui-es-bundle.js";
import "swagger-ui-dist/swagger-ui.css";
import "./apidocs.css";
import { getCookie } from "./api.js";

const mount = document.getElementById("api-docs");
if (mount) {
  SwaggerUIBundle({
    url: mount.dataset.spec,
    domNode: mount,
    // "Try it out" as the logged-in user: writes need the CSRF header the
    // API asks of session requests (a token in Authorize needs none).
    requestInterceptor(request) {
      const token = getCookie("csrftoken");
      if (token) request.headers["X-CSRFToken"] = token;
      return request;
    },
  });
}
