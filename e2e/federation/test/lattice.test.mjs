// Two Lattice servers federating, as scenario 6 of issue #12 asks: scenario 1 between Lattice and Lattice.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as h from "../harness.mjs";
import { bodies, clientOf, eventually, membership, stopClients, unique } from "./clients.mjs";
import { encryptedConversation } from "./encrypted-conversation.mjs";

let one;
let two;

before(async () => {
  const dir = h.workDir();
  const tls = h.makeTestCa(dir);
  [one, two] = await Promise.all([h.startLattice(dir, tls, "lattice-one"), h.startLattice(dir, tls, "lattice-two")]);
});

after(async () => {
  stopClients();
  await h.stopAll();
});

test("a user of one Lattice joins a room of another by alias and by ID; 50 messages each way arrive once, in the same order", async () => {
  const ann = await h.registerOnLattice(one, unique("ann"));
  const ben = await h.registerOnLattice(two, unique("ben"));
  const bea = await h.registerOnLattice(two, unique("bea"));
  const annClient = await clientOf(ann);
  const benClient = await clientOf(ben);
  const alias = unique("lobby");
  const { room_id: roomId } = await annClient.createRoom({ preset: "public_chat", room_alias_name: alias, name: "Lobby" });
  await benClient.joinRoom(`#${alias}:${one.serverName}`);
  const beaClient = await clientOf(bea);
  await beaClient.joinRoom(roomId, { viaServers: [one.serverName] });
  await eventually(() => membership(annClient, roomId, ben.user_id) === "join", "the join by alias");
  await eventually(() => membership(annClient, roomId, bea.user_id) === "join", "the join by room ID");
  await eventually(() => benClient.getRoom(roomId)?.name === "Lobby", "the room's name on the second server");

  const sent = [];
  for (let i = 0; i < 50; i++) {
    sent.push(`from one ${i}`);
    await annClient.sendTextMessage(roomId, sent.at(-1));
  }
  await eventually(() => bodies(benClient, roomId).length >= 50, "the first server's messages on the second");
  for (let i = 0; i < 50; i++) {
    sent.push(`from two ${i}`);
    await benClient.sendTextMessage(roomId, sent.at(-1));
  }
  for (const c of [annClient, benClient, beaClient]) {
    await eventually(() => bodies(c, roomId).length >= 100, "all 100 messages");
    assert.deepEqual(bodies(c, roomId), sent);
  }
});

test("users of two Lattice servers in an encrypted room decrypt each other, and devices logged in later decrypt what follows", async () => {
  await encryptedConversation(await h.registerOnLattice(one, unique("ada")), await h.registerOnLattice(two, unique("bo")));
});
