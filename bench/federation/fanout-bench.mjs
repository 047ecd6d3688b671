// Fan-out (issue #12): one message sent on Lattice to a room whose members are on SERVERS other servers; the time
// until every one of them has it. The other servers are one real Synapse and SERVERS - 1 small receivers
// (e2e/federation/evil.mjs: their own key and TLS certificate, a user joined through make_join/send_join, and a
// /send endpoint that notes when the message arrives), so that 20 servers fit on 2 cores. What is measured is
// Lattice's outbound side: one queue per destination, one transaction each.
// Prints one JSON line per round: the time from PUT .../send returning to the last server having the message, and
// the median server.
//   node bench/federation/fanout-bench.mjs     (after e2e/federation/install-synapse.sh and a built jar)
//   SERVERS=20 ROUNDS=5 node ...
import { EvilServer } from "../../e2e/federation/evil.mjs";
import * as h from "../../e2e/federation/harness.mjs";
import { call } from "./client.mjs";

const SERVERS = Number(process.env.SERVERS ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const enc = encodeURIComponent;

/** A receiver joined to the room: `arrivals` maps a message body to when its /send came in. */
async function receiver(tls, lattice, roomId) {
  const server = await new EvilServer(tls).start();
  const arrivals = new Map();
  server.routes.set("/_matrix/federation/v1/send/*", (request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      const now = performance.now();
      for (const pdu of JSON.parse(text).pdus ?? []) {
        const body = pdu.content?.body;
        if (body && !arrivals.has(body)) arrivals.set(body, now);
      }
      response.writeHead(200, { "Content-Type": "application/json" }).end('{"pdus":{}}');
    });
  });
  const user = `@member:${server.serverName}`;
  const made = await server.request(lattice, "GET", `/_matrix/federation/v1/make_join/${enc(roomId)}/${enc(user)}?ver=10`);
  if (made.status !== 200) throw new Error(`make_join: ${made.status} ${JSON.stringify(made.body)}`);
  const { event, eventId } = server.finishEvent({ ...made.body.event, origin_server_ts: Date.now() });
  const sent = await server.request(lattice, "PUT", `/_matrix/federation/v2/send_join/${enc(roomId)}/${enc(eventId)}`, event);
  if (sent.status !== 200) throw new Error(`send_join: ${sent.status} ${JSON.stringify(sent.body)}`);
  return { server, arrivals };
}

async function onSynapse(account, roomId, body) {
  const page = await call(account, "GET", `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=20`);
  return page.chunk.some((e) => e.content?.body === body);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const receivers = [];
try {
  const dir = h.workDir();
  const tls = h.makeTestCa(dir);
  const pg = await h.startPostgres(dir);
  const [synapse, lattice] = await Promise.all([h.startSynapse(dir, tls, pg), h.startLattice(dir, tls)]);
  const owner = await h.registerOnLattice(lattice, `fan${Date.now().toString(36)}`);
  const { room_id: roomId } = await call(owner, "POST", "/_matrix/client/v3/createRoom", {
    preset: "public_chat",
    room_version: "10",
  });
  const sid = await h.registerOnSynapse(synapse, `fan${Date.now().toString(36)}`);
  await call(sid, "POST", `/_matrix/client/v3/join/${enc(roomId)}?server_name=${enc(lattice.serverName)}`, {});
  for (let i = 1; i < SERVERS; i++) receivers.push(await receiver(tls, lattice, roomId));

  for (let round = 0; round < ROUNDS + 1; round++) {
    const body = `fan-out ${round} ${Date.now()}`;
    await call(owner, "PUT", `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/t${Date.now()}`, {
      msgtype: "m.text",
      body,
    });
    const sent = performance.now();
    let synapseAt;
    while (synapseAt === undefined || receivers.some((r) => !r.arrivals.has(body))) {
      if (performance.now() - sent > 120_000) throw new Error(`round ${round}: not everywhere after 2 minutes`);
      if (synapseAt === undefined && (await onSynapse(sid, roomId, body))) synapseAt = performance.now();
      await new Promise((r) => setTimeout(r, 10));
    }
    const delays = [synapseAt, ...receivers.map((r) => r.arrivals.get(body))].map((t) => t - sent);
    // the first round warms the connections up and is not reported
    if (round > 0) {
      console.log(JSON.stringify({
        servers: SERVERS,
        round,
        last_ms: Math.round(Math.max(...delays)),
        median_ms: Math.round(median(delays)),
        synapse_ms: Math.round(synapseAt - sent),
      }));
    }
  }
} finally {
  receivers.forEach((r) => r.server.stop());
  await h.stopAll();
}
