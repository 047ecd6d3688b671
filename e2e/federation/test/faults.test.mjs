// Faults between Lattice and a real Synapse: a peer away for a while, and Lattice killed with SIGKILL mid-traffic.
// Nothing acknowledged is lost, nothing shows twice, and the queues drain once the peer is back.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as h from "../harness.mjs";
import { bodies, clientOf, decrypted, eventually, membership, stopClients, unique } from "./clients.mjs";

let synapse;
let lattice;

before(async () => {
  ({ synapse, lattice } = await h.synapseAndLattice());
});

after(async () => {
  stopClients();
  await h.stopAll();
});

/** A Synapse user's room with a Lattice user joined; both clients started. */
async function sharedRoom() {
  const sue = await h.registerOnSynapse(synapse, unique("sue"));
  const lou = await h.registerOnLattice(lattice, unique("lou"));
  const sueClient = await clientOf(sue);
  const { room_id: roomId } = await sueClient.createRoom({ preset: "public_chat", name: "faults" });
  const louClient = await clientOf(lou);
  await louClient.joinRoom(roomId, { viaServers: [synapse.serverName] });
  await eventually(() => membership(sueClient, roomId, lou.user_id) === "join", "the join on Synapse");
  return { sue, lou, sueClient, louClient, roomId };
}

test("while Synapse is down Lattice keeps what its users send, backs off, and delivers it all once Synapse is back", async () => {
  const { sueClient, louClient, roomId } = await sharedRoom();
  await synapse.stop();
  const sent = [];
  for (let i = 0; i < 10; i++) {
    sent.push(`while synapse was away ${i}`);
    await louClient.sendTextMessage(roomId, sent.at(-1));
  }
  // long enough for several failed attempts and back-off steps (5 s, 10 s, ...)
  await new Promise((r) => setTimeout(r, 20_000));
  const restartMs = await synapse.start();
  process.stderr.write(`federation: synapse restarted in ${restartMs} ms\n`);
  await eventually(() => sent.every((b) => bodies(sueClient, roomId).includes(b)), "the queued messages on Synapse", 120_000);
  assert.deepEqual(
    bodies(sueClient, roomId).filter((b) => b.startsWith("while synapse was away")),
    sent,
    "each once, in order",
  );
});

test("Lattice killed with SIGKILL right after acknowledging sends loses none of them, and receives what Synapse sent meanwhile", async () => {
  const { lou, sueClient, louClient, roomId } = await sharedRoom();
  const fromLattice = [];
  for (let i = 0; i < 20; i++) {
    fromLattice.push(`acknowledged before the kill ${i}`);
    await louClient.sendTextMessage(roomId, fromLattice.at(-1));
  }
  louClient.stopClient();
  await lattice.kill();
  const fromSynapse = [];
  for (let i = 0; i < 5; i++) {
    fromSynapse.push(`sent while lattice was dead ${i}`);
    await sueClient.sendTextMessage(roomId, fromSynapse.at(-1));
  }
  const restartMs = await lattice.start();
  process.stderr.write(`federation: lattice restarted after SIGKILL in ${restartMs} ms\n`);

  await eventually(
    () => fromLattice.every((b) => bodies(sueClient, roomId).includes(b)),
    "every acknowledged message on Synapse",
    180_000,
  );
  assert.deepEqual(
    bodies(sueClient, roomId).filter((b) => b.startsWith("acknowledged before the kill")),
    fromLattice,
    "each once, in order, on Synapse",
  );
  await eventually(
    async () => {
      const all = await fetchAll(lou, roomId);
      return fromSynapse.every((b) => all.includes(b));
    },
    "Synapse's messages on Lattice after the restart",
    180_000,
  );
  const all = await fetchAll(lou, roomId);
  for (const body of [...fromLattice, ...fromSynapse]) {
    assert.equal(all.filter((b) => b === body).length, 1, `${body} once on Lattice`);
  }
});

test("a room key sent to Synapse's user while Synapse is down survives Lattice's SIGKILL: the message decrypts once both are back", async () => {
  const sue = await h.registerOnSynapse(synapse, unique("sue"));
  const lou = await h.registerOnLattice(lattice, unique("lou"));
  const sueClient = await clientOf(sue, { crypto: true });
  const louClient = await clientOf(lou, { crypto: true });
  const { room_id: roomId } = await sueClient.createRoom({
    preset: "private_chat",
    invite: [lou.user_id],
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
  });
  await eventually(() => membership(louClient, roomId, lou.user_id) === "invite", "the invite on Lattice");
  await louClient.joinRoom(roomId);
  await eventually(() => membership(sueClient, roomId, lou.user_id) === "join", "the join on Synapse");
  await eventually(() => louClient.getCrypto().isEncryptionEnabledInRoom(roomId), "the room is encrypted for lou");
  const first = await louClient.sendMessage(roomId, { msgtype: "m.text", body: "while both are up" });
  assert.equal((await decrypted(sueClient, roomId, first.event_id)).body, "while both are up");

  await synapse.stop();
  // A new Megolm session: its key goes to sue's device in an Olm message over the Olm session the first one set up,
  // an m.direct_to_device EDU that can only wait in Lattice's queue while Synapse is down.
  await louClient.getCrypto().forceDiscardSession(roomId);
  const second = await louClient.sendMessage(roomId, { msgtype: "m.text", body: "while synapse was away" });
  louClient.stopClient();
  await lattice.kill();
  process.stderr.write(`federation: lattice restarted after SIGKILL in ${await lattice.start()} ms\n`);
  process.stderr.write(`federation: synapse restarted in ${await synapse.start()} ms\n`);

  const content = await eventually(async () => {
    const event = sueClient.getRoom(roomId)?.findEventById(second.event_id);
    if (!event) return undefined;
    await sueClient.decryptEventIfNeeded(event);
    return event.isDecryptionFailure() ? undefined : event.getContent();
  }, "the message and its room key on Synapse", 180_000);
  assert.equal(content.body, "while synapse was away");
});

/** Every message body of the room on the account's server, oldest first, through /messages. */
async function fetchAll(account, roomId) {
  const response = await fetch(
    `${account.baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=500`,
    { headers: { Authorization: `Bearer ${account.access_token}` } },
  );
  const { chunk = [] } = await response.json();
  return chunk.filter((e) => e.type === "m.room.message").map((e) => e.content.body).reverse();
}
