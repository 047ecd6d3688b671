// A recording HTTP proxy for alice's client (see README.md): forwards every request to the server unchanged, and
// writes each sliding sync exchange (POST …/org.matrix.simplified_msc3575/sync) to a JSON-lines file: the request's
// query and body, the response's status, time and body. The SDK does not log the bodies, and they are what a
// diagnosis needs.
//
//   node sync-proxy.mjs TARGET_URL LOG_FILE   prints "listening http://127.0.0.1:PORT" on stdout once it accepts
import { createServer, request as httpRequest } from "node:http";
import { appendFileSync, writeFileSync } from "node:fs";

const [target, logFile] = process.argv.slice(2);
if (!target || !logFile) {
  process.stderr.write("usage: node sync-proxy.mjs TARGET_URL LOG_FILE\n");
  process.exit(2);
}
const upstream = new URL(target);
writeFileSync(logFile, "");
let sequence = 0;

function parsed(buffer) {
  const text = buffer.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const started = Date.now();
    const headers = { ...req.headers, host: upstream.host };
    delete headers["accept-encoding"]; // plain bodies, so that they can be logged
    const forward = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (upstreamResponse) => {
        const answer = [];
        upstreamResponse.on("data", (c) => answer.push(c));
        upstreamResponse.on("end", () => {
          const responseBody = Buffer.concat(answer);
          if (req.url.includes("simplified_msc3575/sync")) {
            const url = new URL(req.url, "http://x");
            appendFileSync(
              logFile,
              JSON.stringify({
                n: ++sequence,
                at: new Date(started).toISOString(),
                ms: Date.now() - started,
                query: Object.fromEntries(url.searchParams),
                request: parsed(body),
                status: upstreamResponse.statusCode,
                response: parsed(responseBody),
              }) + "\n",
            );
          }
          const out = { ...upstreamResponse.headers };
          delete out["transfer-encoding"];
          out["content-length"] = String(responseBody.length);
          res.writeHead(upstreamResponse.statusCode, out);
          res.end(responseBody);
        });
      },
    );
    forward.on("error", (e) => {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ errcode: "M_UNKNOWN", error: `sync-proxy: ${e.message}` }));
    });
    forward.end(body);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
process.stdin.on("end", () => process.exit(0)); // the test closes our stdin (or exits): stop
process.stdin.resume();
