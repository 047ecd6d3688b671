// Inbound PDUs through /send (issue #12): how fast a server takes in another server's room traffic, for one busy
// room and for many rooms, and the CPU it spends per PDU, Lattice and Synapse receiving the same traffic in one run.
//
// The sending server is e2e/federation/evil.mjs's small federation client (its own key and key server): it joins
// ROOMS public rooms of the receiving server through make_join/send_join, builds PDUS messages up front (each room's
// a chain, each on the one before; hashed and signed before the clock starts), then sends them as a real server
// does: one transaction at a time, 50 PDUs each, the rooms taken in turn. send_s is when the last transaction is
// answered (a refused PDU is counted). visible_s is when the receiving server's own client API shows
// each room's last message as its newest event: the rate is taken there, since a server may answer /send before it
// has processed the PDUs (Synapse stages them and processes each room's in the background).
//
// CPU is /proc's user + system time of the server process, of its PostgreSQL server and of the direct children of
// both (PostgreSQL's backends), from the first transaction until visible (the polling of /messages, one request at a
// time, included); the load generator is not counted.
// Prints one JSON line per server and room count.
//   node bench/federation/inbound-bench.mjs      (after e2e/federation/install-synapse.sh and a built jar)
//   ROOMS=1,100 PDUS=2000 SERVERS=lattice,synapse node ...
//   STATEMENTS=1 SERVERS=lattice node ...   also Lattice's PostgreSQL statements per PDU (its embedded PostgreSQL
//                                           restarted with pg_stat_statements; needs psql), the 30 most called
import { execFileSync } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EvilServer } from "../../e2e/federation/evil.mjs";
import * as h from "../../e2e/federation/harness.mjs";
import { call } from "./client.mjs";

const ROOM_COUNTS = (process.env.ROOMS ?? "1,100").split(",").map(Number);
const PDUS = Number(process.env.PDUS ?? 2000);
const SERVERS = (process.env.SERVERS ?? "lattice,synapse").split(",");
const PER_TRANSACTION = 50;
const STATEMENTS = process.env.STATEMENTS === "1";
const enc = encodeURIComponent;

/** User + system CPU seconds of these processes and of their direct children (USER_HZ 100). */
function cpuSeconds(pids) {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // the fields after the command name, which may itself hold spaces and parentheses
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pid = Number(entry);
    const parent = Number(fields[1]);
    if (pids.includes(pid) || pids.includes(parent)) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

/** Every PDU built, by event ID: what get_missing_events answers from. */
const built = new Map();
/** Each joined room's state event IDs (none changes after the join: only messages are sent): /state_ids's answer. */
const stateIds = new Map();

/** The request path's last segment, decoded: the event or room ID of the routes below. */
const lastSegment = (request) => decodeURIComponent(request.url.split("?")[0].split("/").pop());

const postmaster = (dataDir) => Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);

/** Joins `user` of the sending server to the room; the room's create and power levels events, the join and its depth. */
async function joinRoom(sender, target, owner, roomId, user) {
  const made = await sender.request(target, "GET", `/_matrix/federation/v1/make_join/${enc(roomId)}/${enc(user)}?ver=10`);
  if (made.status !== 200) throw new Error(`make_join: ${made.status} ${JSON.stringify(made.body)}`);
  const { event, eventId } = sender.finishEvent({ ...made.body.event, origin_server_ts: Date.now() });
  const sent = await sender.request(target, "PUT", `/_matrix/federation/v2/send_join/${enc(roomId)}/${enc(eventId)}`, event);
  if (sent.status !== 200) throw new Error(`send_join: ${sent.status} ${JSON.stringify(sent.body)}`);
  const state = await call(owner, "GET", `/_matrix/client/v3/rooms/${enc(roomId)}/state`);
  const id = (type) => state.find((e) => e.type === type && e.state_key === "").event_id;
  stateIds.set(roomId, state.map((e) => e.event_id));
  return { roomId, auth: [id("m.room.create"), id("m.room.power_levels"), eventId], prev: eventId, depth: event.depth };
}

/**
 * Answers get_missing_events as a real server does: the events before `latest_events`, back to `earliest_events`, at
 * most `limit`, oldest first. Synapse asks when it takes a PDU of a transaction before the one it follows (it
 * processes a room's staged PDUs by arrival time, and a transaction's arrive together).
 */
function serveMissingEvents(sender) {
  sender.routes.set("/_matrix/federation/v1/get_missing_events/*", (request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      const { earliest_events: earliest = [], latest_events: latest = [], limit = 10 } = JSON.parse(text);
      const found = new Map();
      const queue = latest.flatMap((id) => built.get(id)?.prev_events ?? []);
      while (queue.length && found.size < limit) {
        const id = queue.shift();
        const event = built.get(id);
        if (!event || earliest.includes(id) || found.has(id)) continue;
        found.set(id, event);
        queue.push(...event.prev_events);
      }
      const events = [...found.values()].sort((a, b) => a.depth - b.depth);
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ events }));
    });
  });
  // ... and the gap's events one by one
  sender.routes.set("/_matrix/federation/v1/event/*", (request, response) => {
    const event = built.get(lastSegment(request));
    response
      .writeHead(event ? 200 : 404, { "Content-Type": "application/json" })
      .end(JSON.stringify({ origin: sender.serverName, origin_server_ts: Date.now(), pdus: event ? [event] : [] }));
  });
  // When get_missing_events does not reach what it holds, Synapse asks for the state at the gap. Every state event's
  // auth events are state events of these small rooms, so the state is its own auth chain.
  sender.routes.set("/_matrix/federation/v1/state_ids/*", (request, response) => {
    const ids = stateIds.get(lastSegment(request)) ?? [];
    response
      .writeHead(ids.length ? 200 : 404, { "Content-Type": "application/json" })
      .end(JSON.stringify({ pdu_ids: ids, auth_chain_ids: ids }));
  });
}

/**
 * PDUS messages over the rooms in turn, each room's a chain on its last event (`room.prev` left at the last); the
 * transactions of PER_TRANSACTION.
 */
function buildTransactions(sender, rooms, user, tag) {
  const pdus = [];
  for (let i = 0; i < PDUS; i++) {
    const room = rooms[i % rooms.length];
    room.depth += 1;
    const { event, eventId } = sender.finishEvent({
      type: "m.room.message",
      room_id: room.roomId,
      sender: user,
      content: { msgtype: "m.text", body: `${tag} ${i}` },
      prev_events: [room.prev],
      auth_events: room.auth,
      depth: room.depth,
      origin_server_ts: Date.now(),
    });
    room.prev = eventId;
    built.set(eventId, event);
    pdus.push(event);
  }
  const transactions = [];
  for (let i = 0; i < pdus.length; i += PER_TRANSACTION) transactions.push(pdus.slice(i, i + PER_TRANSACTION));
  return transactions;
}

/** SQL through psql against the Lattice server's embedded PostgreSQL, as its superuser; the rows as text. */
function latticeSql(lattice, query) {
  const data = join(lattice.home, "data", "postgres");
  const port = readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[3].trim();
  const password = readFileSync(join(data, "lattice-superuser.secret"), "utf8").trim();
  return execFileSync("psql", ["-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "lattice", "-At", "-F", "|", "-c", query], {
    env: { ...process.env, PGPASSWORD: password },
    encoding: "utf8",
  });
}

/** Restarts Lattice with pg_stat_statements loaded (it can only be loaded at start). */
async function withStatements(lattice) {
  await lattice.stop();
  appendFileSync(
    join(lattice.home, "data", "postgres", "postgresql.conf"),
    "\nshared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n",
  );
  await lattice.start();
  latticeSql(lattice, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
}

/** The statements counted since the reset, per PDU: the total and the most called. */
function statementsPerPdu(lattice) {
  const rows = latticeSql(
    lattice,
    "SELECT calls, regexp_replace(left(query, 120), '\\s+', ' ', 'g') FROM pg_stat_statements " +
      "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'lattice') ORDER BY calls DESC",
  )
    .trim()
    .split("\n")
    .map((line) => {
      const [calls, ...query] = line.split("|");
      return { per_pdu: +(Number(calls) / PDUS).toFixed(2), query: query.join("|") };
    });
  return {
    statements_per_pdu: +rows.reduce((sum, row) => sum + row.per_pdu, 0).toFixed(1),
    top: rows.slice(0, 30),
  };
}

async function measure(name, target, pids, sender, roomCount) {
  const tag = `in${Date.now().toString(36)}`;
  const owner = await (target.kind === "lattice" ? h.registerOnLattice : h.registerOnSynapse)(target, `${tag}owner`);
  const user = `@${tag}:${sender.serverName}`;
  const rooms = [];
  for (let r = 0; r < roomCount; r++) {
    const { room_id: roomId } = await call(owner, "POST", "/_matrix/client/v3/createRoom", {
      preset: "public_chat",
      room_version: "10",
    });
    rooms.push(await joinRoom(sender, target, owner, roomId, user));
  }
  const transactions = buildTransactions(sender, rooms, user, tag);

  if (STATEMENTS && name === "lattice") latticeSql(target, "SELECT pg_stat_statements_reset()");
  const cpuBefore = cpuSeconds(pids());
  const started = performance.now();
  let refused = 0;
  for (const [t, pdus] of transactions.entries()) {
    const answer = await sender.request(target, "PUT", `/_matrix/federation/v1/send/${tag}-${t}`, {
      origin: sender.serverName,
      origin_server_ts: Date.now(),
      pdus,
      edus: [],
    });
    if (answer.status !== 200) throw new Error(`/send: ${answer.status} ${JSON.stringify(answer.body)}`);
    refused += Object.values(answer.body.pdus ?? {}).filter((result) => result.error !== undefined).length;
  }
  const sendS = (performance.now() - started) / 1000;

  // Every room's last message is its newest event in the receiving server's client API.
  for (const room of rooms) {
    for (;;) {
      const page = await call(owner, "GET", `/_matrix/client/v3/rooms/${enc(room.roomId)}/messages?dir=b&limit=1`);
      if (page.chunk[0]?.event_id === room.prev) break;
      if (performance.now() - started > Number(process.env.VISIBLE_TIMEOUT_MS ?? 180_000)) throw new Error(`${name}: ${room.roomId} incomplete after 3 min`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const visibleS = (performance.now() - started) / 1000;
  const cpuS = cpuSeconds(pids()) - cpuBefore;
  if (STATEMENTS && name === "lattice") {
    await new Promise((r) => setTimeout(r, 2000)); // the consumers' last statements
    console.log(JSON.stringify({ server: name, rooms: roomCount, ...statementsPerPdu(target) }, null, 1));
  }
  return {
    server: name,
    rooms: roomCount,
    pdus: PDUS,
    refused,
    send_s: +sendS.toFixed(2),
    visible_s: +visibleS.toFixed(2),
    pdus_per_s: Math.round(PDUS / visibleS),
    cpu_ms_per_pdu: +((cpuS * 1000) / PDUS).toFixed(2),
    load: +readFileSync("/proc/loadavg", "utf8").split(" ")[0],
  };
}

const dir = h.workDir();
const tls = h.makeTestCa(dir);
const sender = await new EvilServer(tls).start();
serveMissingEvents(sender);
// Stopped from outside (a timeout): the servers go too.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    sender.stop();
    h.stopAll().finally(() => process.exit(1));
  });
}
try {
  const targets = {};
  if (SERVERS.includes("synapse")) {
    const synapse = await h.startSynapse(dir, tls, await h.startPostgres(dir));
    targets.synapse = { server: synapse, pids: () => [synapse.child().pid, postmaster(join(dir, "synapse-pg"))] };
  }
  if (SERVERS.includes("lattice")) {
    const lattice = await h.startLattice(dir, tls);
    if (STATEMENTS) await withStatements(lattice);
    targets.lattice = {
      server: lattice,
      pids: () => [lattice.child().pid, postmaster(join(lattice.home, "data", "postgres"))],
    };
  }
  for (const roomCount of ROOM_COUNTS) {
    for (const name of SERVERS) {
      const { server, pids } = targets[name];
      console.log(JSON.stringify(await measure(name, server, pids, sender, roomCount)));
    }
  }
} finally {
  sender.stop();
  await h.stopAll();
}
