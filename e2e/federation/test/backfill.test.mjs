// History from before the join: a Lattice user scrolls back through a Synapse room's past (/messages backfilling
// over /backfill), seen through the js-sdk's live timeline.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as h from "../harness.mjs";
import { bodies, clientOf, eventually, scrollToStart, stopClients, unique } from "./clients.mjs";

let synapse;
let lattice;

before(async () => {
  ({ synapse, lattice } = await h.synapseAndLattice());
});

after(async () => {
  stopClients();
  await h.stopAll();
});

function types(client, roomId) {
  return client.getRoom(roomId).getLiveTimeline().getEvents().map((e) => e.getType());
}

test("a Lattice user who joins a Synapse room late scrolls back to its creation: every earlier message once, in order", async () => {
  const sam = await h.registerOnSynapse(synapse, unique("sam"));
  const lisa = await h.registerOnLattice(lattice, unique("lisa"));
  const leo = await h.registerOnLattice(lattice, unique("leo"));
  const samClient = await clientOf(sam);

  const { room_id: roomId } = await samClient.createRoom({ preset: "public_chat", name: "Old news" });
  const sent = [];
  for (let i = 0; i < 45; i++) {
    if (i === 20) await samClient.setRoomTopic(roomId, "halfway there");
    const body = `before the join ${i}`;
    await samClient.sendTextMessage(roomId, body);
    sent.push(body);
  }

  const lisaClient = await clientOf(lisa);
  await lisaClient.joinRoom(roomId, { viaServers: [synapse.serverName] });
  await eventually(() => lisaClient.getRoom(roomId)?.getMyMembership() === "join", "Lisa's join");
  await samClient.sendTextMessage(roomId, "after the join");
  await eventually(() => bodies(lisaClient, roomId).includes("after the join"), "the message after the join");

  await scrollToStart(lisaClient, roomId);
  assert.deepEqual(bodies(lisaClient, roomId), [...sent, "after the join"], "every message once, in order");
  const seen = types(lisaClient, roomId);
  assert.equal(seen[0], "m.room.create", "the timeline starts at the room's creation");
  assert.ok(seen.includes("m.room.topic"), "state changes of the past are in the timeline too");
  const ids = lisaClient.getRoom(roomId).getLiveTimeline().getEvents().map((e) => e.getId());
  assert.equal(new Set(ids).size, ids.length, "no event twice");

  // A second user of the server pages the history now held here, in the same order.
  const leoClient = await clientOf(leo);
  await leoClient.joinRoom(roomId, { viaServers: [synapse.serverName] });
  await eventually(() => leoClient.getRoom(roomId)?.getMyMembership() === "join", "Leo's join");
  await scrollToStart(leoClient, roomId);
  assert.deepEqual(bodies(leoClient, roomId), [...sent, "after the join"]);
  assert.equal(types(leoClient, roomId)[0], "m.room.create");
});
