// Every JSON response the e2e clients get is checked against the response schema the Matrix spec's OpenAPI gives for
// that endpoint and status (../shared/matrix-spec/data/api/client-server, the spec's own files): a `fetch` for the
// js-sdk's `fetchFn` that throws on a body the spec does not allow, so the test that made the request fails there.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import $RefParser from "@apidevtools/json-schema-ref-parser";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import YAML from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
export const SPEC_DIR = process.env.LATTICE_MATRIX_SPEC
  ?? join(here, "..", "..", "..", "..", "shared", "matrix-spec", "data", "api", "client-server");

/** One operation: its method, a matcher of concrete paths, and its response schemas by status. */
let operations;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
addFormats(ajv);
const compiled = new Map();

async function load() {
  const files = readdirSync(SPEC_DIR).filter((f) => f.endsWith(".yaml"));
  const loaded = [];
  for (const file of files) {
    const api = await $RefParser.dereference(join(SPEC_DIR, file), {
      // the spec's files hold flow mappings js-yaml (the parser's default) refuses; the yaml package reads them
      parse: { yaml: { order: 1, canParse: [".yaml", ".yml"], parse: (file) => YAML.parse(file.data.toString(), { strict: false, uniqueKeys: false }) } },
      dereference: { circular: "ignore" },
    });
    const bases = (api.servers ?? []).map((s) => new URL(s.url.replace("{protocol}", "https").replace("{hostname}", "h").replace("{basePath}", s.variables?.basePath?.default ?? ""), "https://h").pathname.replace(/\/$/, ""));
    for (const [template, item] of Object.entries(api.paths ?? {})) {
      for (const [method, op] of Object.entries(item)) {
        if (!op || typeof op !== "object" || !op.responses) continue;
        for (const base of bases.length ? bases : [""]) {
          loaded.push({ method: method.toUpperCase(), template: base + template, matcher: matcherOf(base + template), op, file });
        }
      }
    }
  }
  // A literal segment beats a parameter: /rooms/{id}/state/m.room.name before /rooms/{id}/state/{type}.
  loaded.sort((a, b) => literalLength(b.template) - literalLength(a.template));
  return loaded;
}

function literalLength(template) {
  return template.replace(/\{[^}]+\}/g, "").length;
}

function matcherOf(template) {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${pattern}/?$`);
}

function operationFor(method, path) {
  return operations.find((o) => o.method === method && o.matcher.test(path));
}

function validatorFor(operation, status) {
  const key = `${operation.file} ${operation.method} ${operation.template} ${status}`;
  if (!compiled.has(key)) {
    const response = operation.op.responses[String(status)];
    const schema = response?.content?.["application/json"]?.schema;
    compiled.set(key, schema ? ajv.compile(schema) : null);
  }
  return compiled.get(key);
}

/** In report mode: how many answers were checked, and the requests the spec has no operation for. */
const checked = { validated: 0, unmatched: new Map() };
if (process.env.LATTICE_E2E_SPEC === "report") {
  process.on("exit", () => {
    const unmatched = [...checked.unmatched].map(([request, n]) => `${n}× ${request}`).join(", ");
    console.error(`spec: ${checked.validated} answers validated; not in the spec: ${unmatched || "none"}`);
  });
}

/** What the spec says is wrong with a response, or null when it is fine or the spec describes no body for it. */
export async function violation(method, url, status, body) {
  operations ??= await load();
  const path = decodeURI(new URL(url).pathname);
  const operation = operationFor(method, path);
  if (!operation) {
    const request = `${method} ${path.replace(/[!@$#][^/]*/g, "…")} ${status}`;
    checked.unmatched.set(request, (checked.unmatched.get(request) ?? 0) + 1);
    return null;
  }
  const validate = validatorFor(operation, status);
  if (validate) checked.validated++;
  if (!validate || validate(body)) return null;
  return `${method} ${path} → ${status} does not match ${operation.file} (${operation.template}): ` +
    ajv.errorsText(validate.errors, { separator: "; " }) + `\n  body: ${JSON.stringify(body).slice(0, 600)}`;
}

/** A `fetch` that checks every JSON answer against the spec and throws on a mismatch. */
export async function validatingFetch(input, init = {}) {
  const response = await fetch(input, init);
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) return response;
  // the js-sdk passes a URL; others a string or a Request
  const request = input instanceof Request ? input : null;
  const url = request ? request.url : String(input);
  const method = (init.method ?? request?.method ?? "GET").toUpperCase();
  const text = await response.clone().text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${url} → ${response.status}: not JSON although labelled so: ${text.slice(0, 200)}`);
  }
  const problem = await violation(method, url, response.status, body);
  if (problem) {
    // LATTICE_E2E_SPEC=report lists every mismatch of a run on stderr instead of failing at the first one
    if (process.env.LATTICE_E2E_SPEC === "report") console.error(`spec violation: ${problem}`);
    else throw new Error(`spec violation: ${problem}`);
  }
  return response;
}
