// A small federation client for adversarial tests: its own signing key, its own key server (HTTPS, the test CA's
// certificate), and just enough of the protocol to build, hash and sign events of room version 10 and to sign
// requests. It sends what a real server would never send; Lattice must answer as the spec says.
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import https from "node:https";
import { freePort } from "./harness.mjs";

/** Canonical JSON: keys sorted, no spaces (every value in these tests is ASCII, integers or strings). */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

const unpadded = (buffer) => buffer.toString("base64").replace(/=+$/, "");
const urlSafe = (buffer) => unpadded(buffer).replace(/\+/g, "-").replace(/\//g, "_");

/** The redaction algorithm of room version 10, for the event types these tests send. */
function redact(event) {
  const keep = ["event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
    "prev_events", "auth_events", "origin", "origin_server_ts", "membership"];
  const out = Object.fromEntries(Object.entries(event).filter(([k]) => keep.includes(k)));
  const content = event.content ?? {};
  out.content = event.type === "m.room.member" && content.membership ? { membership: content.membership } : {};
  return out;
}

function without(object, ...keys) {
  return Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));
}

export class EvilServer {
  constructor(tls) {
    this.tls = tls;
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    this.privateKey = privateKey;
    this.publicKey = unpadded(publicKey.export({ format: "der", type: "spki" }).subarray(12));
    this.keyId = "ed25519:evil";
    /** Extra answers by path (decoded, without the query; a key ending in `*` is a prefix): (request, response) => void. */
    this.routes = new Map();
  }

  /** Starts the key server; the server name is 127.0.0.1 with its port. */
  async start() {
    const port = await freePort();
    this.serverName = `127.0.0.1:${port}`;
    this.https = https.createServer(
      { cert: readFileSync(this.tls.cert), key: readFileSync(this.tls.key) },
      (request, response) => {
        const path = decodeURIComponent(request.url.split("?")[0]);
        const route =
          this.routes.get(path) ??
          [...this.routes].find(([key]) => key.endsWith("*") && path.startsWith(key.slice(0, -1)))?.[1];
        if (route) {
          route(request, response);
        } else if (request.url === "/_matrix/key/v2/server") {
          const keys = this.signJson({
            server_name: this.serverName,
            valid_until_ts: Date.now() + 3_600_000,
            verify_keys: { [this.keyId]: { key: this.publicKey } },
            old_verify_keys: {},
          });
          response.writeHead(200, { "Content-Type": "application/json" }).end(canonical(keys));
        } else {
          response.writeHead(404, { "Content-Type": "application/json" }).end('{"errcode":"M_UNRECOGNIZED","error":"no"}');
        }
      },
    );
    await new Promise((resolve) => this.https.listen(port, "127.0.0.1", resolve));
    return this;
  }

  stop() {
    this.https?.close();
  }

  signature(bytes) {
    return unpadded(sign(null, Buffer.from(bytes), this.privateKey));
  }

  /** The object with our signature added under `signatures` (unsigned left out of what is signed). */
  signJson(object) {
    const signed = this.signature(canonical(without(object, "signatures", "unsigned")));
    const signatures = { ...(object.signatures ?? {}) };
    signatures[this.serverName] = { ...(signatures[this.serverName] ?? {}), [this.keyId]: signed };
    return { ...object, signatures };
  }

  /**
   * Hashes and signs an event as version 10 does; returns it with its event ID. `badHash`: a content hash that does
   * not match; `wrongKey`: signed under our key ID by another key, so the signature cannot verify.
   */
  finishEvent(event, { badHash = false, wrongKey = false } = {}) {
    const body = without(event, "signatures", "unsigned", "hashes", "event_id");
    const hash = unpadded(createHash("sha256").update(canonical(body)).digest());
    const hashed = { ...body, hashes: { sha256: badHash ? unpadded(Buffer.alloc(32, 7)) : hash } };
    const signer = wrongKey ? generateKeyPairSync("ed25519").privateKey : this.privateKey;
    const signature = unpadded(sign(null, Buffer.from(canonical(redact(hashed))), signer));
    const signed = { ...hashed, signatures: { [this.serverName]: { [this.keyId]: signature } } };
    const reference = createHash("sha256").update(canonical(without(redact(signed), "signatures", "unsigned"))).digest();
    return { event: signed, eventId: `$${urlSafe(reference)}` };
  }

  /** A signed request to `target` (its federation URL and name); the X-Matrix destination can be forged. */
  async request(target, method, path, body, { destination = target.serverName } = {}) {
    const signed = { method, uri: path, origin: this.serverName, destination };
    if (body !== undefined) signed.content = body;
    const authorization = `X-Matrix origin="${this.serverName}",destination="${destination}",key="${this.keyId}",sig="${this.signature(canonical(signed))}"`;
    const payload = body === undefined ? undefined : typeof body === "string" ? body : canonical(body);
    const url = new URL(path, target.federationUrl);
    return new Promise((resolve, reject) => {
      const request = https.request(
        url,
        { method, ca: readFileSync(this.tls.ca), headers: { Authorization: authorization, "Content-Type": "application/json" } },
        (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () => {
            let json;
            try {
              json = JSON.parse(text);
            } catch {
              json = { raw: text };
            }
            resolve({ status: response.statusCode, body: json });
          });
        },
      );
      request.on("error", reject);
      if (payload !== undefined) request.write(payload);
      request.end();
    });
  }
}
