// Preloaded into decap-server (node --require): it answers only requests whose path starts with
// the secret that the livep2f editor relay was given (P2F_EDITOR_TOKEN), then strips it.
// Why: decap-server allows any origin (open CORS) and writes files, so without this any web page
// open in the reporter's browser could write into content/ while the editor runs.
"use strict";
const http = require("http");
const token = process.env.P2F_EDITOR_TOKEN || "";
if (token.length < 32) {
  throw new Error("P2F_EDITOR_TOKEN is missing or short: start decap-server through `invoke editor`");
}
const prefix = "/" + token + "/";
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, response) {
  if (event === "request") {
    if (!request.url.startsWith(prefix)) {
      response.writeHead(403, { "Content-Type": "text/plain; charset=utf-8" });
      response.end("forbidden: only the livep2f editor may call this server\n");
      return true;
    }
    request.url = request.url.slice(prefix.length - 1);
  }
  return emit.apply(this, arguments);
};
