// Room traffic between servers: how fast messages sent on one server are in the room on another, for each
// direction between Lattice and Synapse and between two Lattice servers. Plain fetch, no SDK: the sender PUTs
// MESSAGES messages with CONCURRENCY requests in flight; the clock stops when the receiving server's /messages has
// them all. Prints one JSON line per direction.
//   node bench/federation/federation-bench.mjs      (after e2e/federation/install-synapse.sh and a built jar)
//   MESSAGES=500 CONCURRENCY=8 node ...
import * as h from "../../e2e/federation/harness.mjs";
import { call } from "./client.mjs";

const MESSAGES = Number(process.env.MESSAGES ?? 500);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);

/** How many messages with the run's prefix the account's server has in the room. */
async function received(account, roomId, prefix) {
  let count = 0;
  let from;
  for (;;) {
    const query = `dir=b&limit=1000${from ? `&from=${encodeURIComponent(from)}` : ""}`;
    const page = await call(account, "GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?${query}`);
    count += page.chunk.filter((e) => e.type === "m.room.message" && e.content?.body?.startsWith(prefix)).length;
    if (!page.end || page.chunk.length === 0) return count;
    from = page.end;
  }
}

async function direction(name, sender, receiver, roomId) {
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const prefix = `${name} ${run} `;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < MESSAGES; i = next++) {
        await call(sender, "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${run}-${i}`, {
          msgtype: "m.text",
          body: `${prefix}${i}`,
        });
      }
    }),
  );
  const sentMs = performance.now() - started;
  let count = 0;
  while ((count = await received(receiver, roomId, prefix)) < MESSAGES) {
    if (performance.now() - started > 600_000) throw new Error(`${name}: only ${count} of ${MESSAGES} after 10 minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const allMs = performance.now() - started;
  const result = {
    direction: name,
    messages: MESSAGES,
    concurrency: CONCURRENCY,
    sent_s: +(sentMs / 1000).toFixed(2),
    all_received_s: +(allMs / 1000).toFixed(2),
    received_per_s: Math.round(MESSAGES / (allMs / 1000)),
  };
  console.log(JSON.stringify(result));
  return result;
}

/** A public room of `owner` with `guest` joined through the owner's server. */
async function room(owner, guest, ownerServer) {
  const { room_id: roomId } = await call(owner, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" });
  await call(guest, "POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}?server_name=${encodeURIComponent(ownerServer)}`, {});
  return roomId;
}

try {
  const dir = h.workDir();
  const tls = h.makeTestCa(dir);
  const pg = await h.startPostgres(dir);
  const [synapse, lattice, second] = await Promise.all([
    h.startSynapse(dir, tls, pg),
    h.startLattice(dir, tls),
    h.startLattice(dir, tls, "lattice-two"),
  ]);
  const sam = await h.registerOnSynapse(synapse, `sam${Date.now()}`);
  const lea = await h.registerOnLattice(lattice, `lea${Date.now()}`);
  const leo = await h.registerOnLattice(second, `leo${Date.now()}`);
  const withSynapse = await room(sam, lea, synapse.serverName);
  await direction("synapse -> lattice", sam, lea, withSynapse);
  await direction("lattice -> synapse", lea, sam, withSynapse);
  const latticeOnly = await room(lea, leo, lattice.serverName);
  await direction("lattice -> lattice", lea, leo, latticeOnly);
} finally {
  await h.stopAll();
}
