// E2EE server-side benchmarks (issue #10), against a running Lattice (LATTICE_BASE_URL) whose process tree is
// LATTICE_SERVER_PID (CPU is read from /proc for it and its children, the embedded PostgreSQL included):
//   1. to-device fan-out: one PUT /sendToDevice to 100 devices (100 users); time of the request, and until the last
//      of the 100 devices has it in /sync (each device long-polling from its previous next_batch);
//   2. /keys/claim of one signed_curve25519 key for each of 100 users in one request.
// Each is repeated ROUNDS times after WARMUP rounds; prints p50/p90/max and the server's CPU seconds per round.
// Plain fetch, no SDK: it measures the server, not a client.
import { readFileSync, readdirSync } from "node:fs";

const BASE = process.env.LATTICE_BASE_URL;
const PID = Number(process.env.LATTICE_SERVER_PID);
const USERS = Number(process.env.BENCH_USERS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const CLK_TCK = 100;

async function call(method, path, token, body) {
  const response = await fetch(`${BASE}/_matrix/client/v3${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (response.status !== 200 && !(response.status === 401 && json.session)) {
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  }
  return json;
}

async function register(name) {
  const request = { username: name, password: "bench-password-1" };
  const { session } = await call("POST", "/register", undefined, request);
  return call("POST", "/register", undefined, { ...request, auth: { type: "m.login.dummy", session } });
}

/** CPU seconds used so far by the process and all its descendants. */
function cpuSeconds(root) {
  const children = new Map();
  let ticks = 0;
  const stats = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      stats.set(Number(entry), Number(fields[11]) + Number(fields[12]));
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  const queue = [root];
  while (queue.length) {
    const pid = queue.pop();
    ticks += stats.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return ticks / CLK_TCK;
}

function summary(label, millis, cpu, rounds) {
  const sorted = [...millis].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
  return `${label}: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${sorted.at(-1).toFixed(1)} ms over ${rounds} rounds; server CPU ${(cpu / rounds * 1000).toFixed(1)} ms per round`;
}

const tag = Date.now().toString(36);
console.log(`registering 1 sender and ${USERS} recipients…`);
const sender = await register(`bench-sender-${tag}`);
const recipients = [];
for (let i = 0; i < USERS; i++) recipients.push(await register(`bench-r${i}-${tag}`));
const sinces = await Promise.all(recipients.map(async (r) => (await call("GET", "/sync?timeout=0", r.access_token)).next_batch));

// 1. to-device fan-out
const sendMs = [];
const deliveredMs = [];
let cpuStart = 0;
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  if (round === WARMUP) cpuStart = cpuSeconds(PID);
  const marker = `${tag}-${round}`;
  const waits = recipients.map(async (r, i) => {
    for (;;) {
      const sync = await call("GET", `/sync?timeout=30000&since=${encodeURIComponent(sinces[i])}`, r.access_token);
      sinces[i] = sync.next_batch;
      if ((sync.to_device?.events ?? []).some((e) => e.content.marker === marker)) return performance.now();
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 200)); // the long-polls are parked
  const messages = {};
  for (const r of recipients) messages[r.user_id] = { [r.device_id]: { marker } };
  const started = performance.now();
  await call("PUT", `/sendToDevice/m.bench/${marker}`, sender.access_token, { messages });
  const sent = performance.now();
  const arrivals = await Promise.all(waits);
  if (round >= WARMUP) {
    sendMs.push(sent - started);
    deliveredMs.push(Math.max(...arrivals) - started);
  }
}
const fanOutCpu = cpuSeconds(PID) - cpuStart;
console.log(summary(`to-device to ${USERS} devices, PUT /sendToDevice`, sendMs, fanOutCpu, ROUNDS));
console.log(summary(`to-device to ${USERS} devices, until the last device has it in /sync`, deliveredMs, fanOutCpu, ROUNDS));

// 2. /keys/claim for 100 users in one request
const KEYS_EACH = WARMUP + ROUNDS;
for (const r of recipients) {
  const oneTimeKeys = {};
  for (let k = 0; k < KEYS_EACH; k++) {
    oneTimeKeys[`signed_curve25519:K${k}`] = {
      key: Buffer.from(`key-${r.user_id}-${k}`.padEnd(32, "x")).toString("base64").replace(/=+$/, ""),
      signatures: { [r.user_id]: { [`ed25519:${r.device_id}`]: "c2lnbmF0dXJl" } },
    };
  }
  await call("POST", "/keys/upload", r.access_token, { one_time_keys: oneTimeKeys });
}
const claimMs = [];
const request = { one_time_keys: {} };
for (const r of recipients) request.one_time_keys[r.user_id] = { [r.device_id]: "signed_curve25519" };
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  if (round === WARMUP) cpuStart = cpuSeconds(PID);
  const started = performance.now();
  const answer = await call("POST", "/keys/claim", sender.access_token, request);
  const took = performance.now() - started;
  const claimed = Object.keys(answer.one_time_keys).length;
  if (claimed !== USERS) throw new Error(`claimed keys of ${claimed} users, not ${USERS}`);
  if (round >= WARMUP) claimMs.push(took);
}
console.log(summary(`/keys/claim for ${USERS} users in one request`, claimMs, cpuSeconds(PID) - cpuStart, ROUNDS));
process.exit(0);
