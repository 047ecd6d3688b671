// Scenario 3 of issue #12: two Lattice servers and a Synapse in one room. One Lattice server is paused (SIGSTOP, a
// network split as far as the others can tell) while the other two make conflicting state changes at the same moment;
// then it is resumed and makes a change of its own. All three servers converge on the same current state.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as h from "../harness.mjs";
import { clientOf, eventually, membership, stopClients, unique } from "./clients.mjs";

let synapse;
let one;
let two;

before(async () => {
  const dir = h.workDir();
  const tls = h.makeTestCa(dir);
  const pg = await h.startPostgres(dir);
  [synapse, one, two] = await Promise.all([
    h.startSynapse(dir, tls, pg),
    h.startLattice(dir, tls, "lattice-one"),
    h.startLattice(dir, tls, "lattice-two"),
  ]);
});

after(async () => {
  two?.resume();
  stopClients();
  await h.stopAll();
});

/** The room's current state on the account's server: (type, state key) → event ID. */
async function stateOf(account, roomId) {
  const response = await fetch(`${account.baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`, {
    headers: { Authorization: `Bearer ${account.access_token}` },
  });
  if (response.status !== 200) return undefined;
  const events = await response.json();
  return Object.fromEntries(events.map((e) => [`${e.type}|${e.state_key}`, e.event_id]));
}

function sameState(x, y) {
  return JSON.stringify(Object.entries(x).sort()) === JSON.stringify(Object.entries(y).sort());
}

/** The entries two states disagree on: key → [left, right]. */
function difference(x = {}, y = {}) {
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return Object.fromEntries([...keys].filter((k) => x[k] !== y[k]).map((k) => [k, [x[k], y[k]]]));
}

test("a server paused during concurrent state changes converges with the others on the same state once resumed", async () => {
  const sid = await h.registerOnSynapse(synapse, unique("sid"));
  const ann = await h.registerOnLattice(one, unique("ann"));
  const bea = await h.registerOnLattice(two, unique("bea"));
  const sidClient = await clientOf(sid);
  const annClient = await clientOf(ann);
  const beaClient = await clientOf(bea);
  const { room_id: roomId } = await sidClient.createRoom({
    preset: "public_chat",
    name: "before the split",
    // room version 12 (Synapse's default) gives the creator unlimited power and refuses it a level of its own
    power_level_content_override: { users: { [ann.user_id]: 100, [bea.user_id]: 100 } },
  });
  await annClient.joinRoom(roomId, { viaServers: [synapse.serverName] });
  await beaClient.joinRoom(roomId, { viaServers: [synapse.serverName] });
  for (const [c, what] of [[sidClient, "Synapse"], [annClient, "the first Lattice"], [beaClient, "the second Lattice"]]) {
    for (const user of [ann.user_id, bea.user_id]) {
      await eventually(() => membership(c, roomId, user) === "join", `${user}'s join on ${what}`);
    }
  }

  two.pause();
  try {
    // The same state key set on two servers at once: neither has seen the other's event.
    await Promise.all([
      annClient.setRoomName(roomId, "named on the first Lattice"),
      sidClient.setRoomName(roomId, "named on Synapse"),
    ]);
    await sidClient.setRoomTopic(roomId, "a topic set during the split");
    await annClient.sendTextMessage(roomId, "said during the split");
    let last;
    await eventually(async () => {
      const [a, s] = await Promise.all([stateOf(ann, roomId), stateOf(sid, roomId)]);
      last = { a, s };
      return a && s && a["m.room.topic|"] && sameState(a, s);
    }, "the two servers that stayed up agree", 120_000).catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(difference(last.a, last.s))}`);
    });
  } finally {
    two.resume();
  }
  await beaClient.setRoomTopic(roomId, "a topic set after the heal");

  const converged = await eventually(async () => {
    const states = await Promise.all([stateOf(sid, roomId), stateOf(ann, roomId), stateOf(bea, roomId)]);
    if (states.some((s) => !s)) return undefined;
    return sameState(states[0], states[1]) && sameState(states[1], states[2]) ? states[0] : undefined;
  }, "all three servers on the same current state", 240_000);
  const topicEvent = await sidClient.fetchRoomEvent(roomId, converged["m.room.topic|"]);
  assert.equal(topicEvent.content.topic, "a topic set after the heal", "the change after the heal wins everywhere");
  const nameEvent = await sidClient.fetchRoomEvent(roomId, converged["m.room.name|"]);
  assert.ok(["named on the first Lattice", "named on Synapse"].includes(nameEvent.content.name), "one of the two names");
});
