// The rooms scenario of issue #4 through the real matrix-js-sdk: two users create a room, invite, join, exchange
// 100 messages each way and both see all 200 exactly once and in the same order — counted from the raw /sync
// responses, since the SDK silently drops duplicates — then leave, rejoin, ban, unban and redact behave as in Synapse,
// and what the other member's client shows (redactions, display names) follows.
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, clientFor, register, sdk, username, expectMatrixError, rawSync, startAndWaitPrepared, eventually } from "./lib.mjs";

const N = 100;
const FILTER = { room: { timeline: { limit: 1000 } }, presence: { not_types: ["*"] } };

/** Polls raw /sync from `since` until `done(events)`; returns the room's timeline events in the order delivered. */
async function collectFromSync(accessToken, since, roomId, done, ms = 60_000) {
  const events = [];
  const deadline = Date.now() + ms;
  let token = since;
  while (Date.now() < deadline) {
    const body = await rawSync(accessToken, token, 1_000, FILTER);
    const room = body.rooms?.join?.[roomId];
    if (room?.timeline) {
      assert.ok(!room.timeline.limited, `a gap (limited timeline) in /sync for ${roomId} after ${events.length} events`);
      events.push(...room.timeline.events);
    }
    token = body.next_batch;
    if (done(events)) return { events, token };
  }
  throw new Error(`/sync delivered ${events.length} events of ${roomId} within ${ms} ms, not enough`);
}

async function membership(c, roomId, userId) {
  const content = await c.getStateEvent(roomId, "m.room.member", userId);
  return content.membership;
}

describe("rooms with matrix-js-sdk", () => {
  let alice, bob, a, b, roomId;

  before(async () => {
    alice = await register(username("alice"));
    bob = await register(username("bob"));
    a = clientFor(alice);
    b = clientFor(bob);
  });

  test("create a private room, invite, join", async () => {
    ({ room_id: roomId } = await a.createRoom({ preset: "private_chat", name: "e2e room" }));
    assert.match(roomId, /^!/);
    await a.invite(roomId, bob.user_id);
    assert.equal(await membership(a, roomId, bob.user_id), "invite");
    const room = await b.joinRoom(roomId);
    assert.equal(room.roomId, roomId);
    assert.equal(await membership(b, roomId, bob.user_id), "join");
    // /joined_members is the syncapi's read model: it shows the join once it consumed it
    const expected = JSON.stringify([alice.user_id, bob.user_id].sort());
    await eventually(async () => JSON.stringify(Object.keys((await a.getJoinedRoomMembers(roomId)).joined).sort()) === expected,
      "both members in /joined_members");
  });

  test("100 messages each way: all 200 exactly once and in the same order for both, from raw /sync", async () => {
    assert.ok(roomId, "needs the room of the first test");
    const sinceA = (await rawSync(alice.access_token, undefined, 0, FILTER)).next_batch;
    const sinceB = (await rawSync(bob.access_token, undefined, 0, FILTER)).next_batch;
    const sent = [];
    for (let i = 0; i < N; i++) {
      const fromA = await a.sendMessage(roomId, { msgtype: "m.text", body: `a ${i}` }, `e2e-a-${i}`);
      sent.push(fromA.event_id);
      const fromB = await b.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: `b ${i}` }, `e2e-b-${i}`);
      sent.push(fromB.event_id);
    }
    assert.equal(new Set(sent).size, 2 * N, "distinct event ids");
    // a retried transaction id is the same event, not a new one
    const again = await a.sendMessage(roomId, { msgtype: "m.text", body: "a 0" }, "e2e-a-0");
    assert.equal(again.event_id, sent[0], "same txn id, same event");

    const isOurs = (e) => e.type === "m.room.message" && /^[ab] \d+$/.test(e.content?.body ?? "");
    const enough = (events) => events.filter(isOurs).length >= 2 * N;
    const [seenA, seenB] = await Promise.all([
      collectFromSync(alice.access_token, sinceA, roomId, enough),
      collectFromSync(bob.access_token, sinceB, roomId, enough),
    ]);
    for (const [who, seen] of [["alice", seenA], ["bob", seenB]]) {
      const ids = seen.events.filter(isOurs).map((e) => e.event_id);
      assert.equal(ids.length, 2 * N, `${who} got ${ids.length} messages`);
      assert.equal(new Set(ids).size, 2 * N, `${who} got duplicates`);
      assert.deepEqual(ids, sent, `${who} sees the messages in send order`);
      // and nothing more arrives afterwards
      const after = await rawSync(who === "alice" ? alice.access_token : bob.access_token, seen.token, 500, FILTER);
      assert.equal((after.rooms?.join?.[roomId]?.timeline?.events ?? []).filter(isOurs).length, 0,
        `${who} got messages again`);
    }
  });

  test("jump to date: timestamp_to_event finds the message at or around a time, both ways; a stranger may not ask", async () => {
    assert.ok(roomId, "needs the room of the first test");
    const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
    const before = await a.sendTextMessage(roomId, "before the pause");
    await pause();
    const middle = Date.now();
    await pause();
    const after = await a.sendTextMessage(roomId, "after the pause");

    const back = await b.timestampToEvent(roomId, middle, sdk.Direction.Backward);
    assert.equal(back.event_id, before.event_id);
    assert.ok(back.origin_server_ts <= middle);
    const forward = await b.timestampToEvent(roomId, middle, sdk.Direction.Forward);
    assert.equal(forward.event_id, after.event_id);
    assert.ok(forward.origin_server_ts >= middle);
    await expectMatrixError(
      b.timestampToEvent(roomId, Date.now() + 3_600_000, sdk.Direction.Forward), "M_NOT_FOUND", 404);

    const eve = clientFor(await register(username("eve")));
    await expectMatrixError(eve.timestampToEvent(roomId, middle, sdk.Direction.Forward), "M_FORBIDDEN", 403);
    const raw = (query) => fetch(
      `${BASE_URL}/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/timestamp_to_event?${query}`,
      { headers: { Authorization: `Bearer ${bob.access_token}` } }).then(async (r) => [r.status, (await r.json()).errcode]);
    assert.deepEqual(await raw(`ts=${middle}`), [400, "M_MISSING_PARAM"]);
    assert.deepEqual(await raw(`ts=${middle}&dir=sideways`), [400, "M_INVALID_PARAM"]);
    assert.deepEqual(await raw("ts=yesterday&dir=f"), [400, "M_INVALID_PARAM"]);
  });

  test("leave, then rejoin needs a new invite in an invite-only room", async () => {
    assert.ok(roomId, "needs the room of the first test");
    const since = (await rawSync(bob.access_token, undefined, 0, FILTER)).next_batch;
    await b.leave(roomId);
    assert.equal(await membership(a, roomId, bob.user_id), "leave");
    // /sync: the incremental sync shows the room in `leave` with the timeline up to the leave; an initial sync
    // only with `include_leave` (Synapse), in the same form.
    const isLeave = (e) => e?.type === "m.room.member" && e.state_key === bob.user_id && e.content?.membership === "leave";
    const incremental = await eventually(async () => {
      const body = await rawSync(bob.access_token, since, 1_000, FILTER);
      return body.rooms?.leave?.[roomId] ? body : undefined;
    }, "the leave in an incremental /sync");
    assert.ok(isLeave(incremental.rooms.leave[roomId].timeline.events.at(-1)), "the leave ends the timeline");
    assert.equal(incremental.rooms.join?.[roomId], undefined);
    const initial = await rawSync(bob.access_token, undefined, 0, FILTER);
    assert.equal(initial.rooms?.leave?.[roomId], undefined, "no left rooms in an initial sync by default");
    assert.equal(initial.rooms?.join?.[roomId], undefined);
    const archived = await rawSync(bob.access_token, undefined, 0, { ...FILTER, room: { ...FILTER.room, include_leave: true } });
    assert.ok(isLeave(archived.rooms?.leave?.[roomId]?.timeline?.events?.at(-1)), "include_leave: the archived room");
    await expectMatrixError(b.sendMessage(roomId, { msgtype: "m.text", body: "after leaving" }), "M_FORBIDDEN", 403);
    await expectMatrixError(b.joinRoom(roomId), "M_FORBIDDEN", 403);
    await a.invite(roomId, bob.user_id);
    await b.joinRoom(roomId);
    assert.equal(await membership(a, roomId, bob.user_id), "join");
  });

  test("ban keeps the user out; unban leaves them at 'leave'", async () => {
    assert.ok(roomId, "needs the room of the first test");
    await a.ban(roomId, bob.user_id, "e2e");
    assert.equal(await membership(a, roomId, bob.user_id), "ban");
    await expectMatrixError(b.sendMessage(roomId, { msgtype: "m.text", body: "banned" }), "M_FORBIDDEN", 403);
    await expectMatrixError(b.joinRoom(roomId), "M_FORBIDDEN", 403);
    await expectMatrixError(a.invite(roomId, bob.user_id), "M_FORBIDDEN", 403);
    await a.unban(roomId, bob.user_id);
    assert.equal(await membership(a, roomId, bob.user_id), "leave");
    await a.invite(roomId, bob.user_id);
    await b.joinRoom(roomId);
    assert.equal(await membership(a, roomId, bob.user_id), "join");
  });

  test("redaction: the sender or a moderator may redact, others may not; content is stripped", async () => {
    assert.ok(roomId, "needs the room of the first test");
    const mine = await b.sendMessage(roomId, { msgtype: "m.text", body: "to be redacted" });
    const alices = await a.sendMessage(roomId, { msgtype: "m.text", body: "alice's" });
    // bob (power 0) may not redact alice's event
    await expectMatrixError(b.redactEvent(roomId, alices.event_id, undefined, { reason: "no" }), "M_FORBIDDEN", 403);
    // alice (room creator, power 100) may redact bob's
    const redaction = await a.redactEvent(roomId, mine.event_id, undefined, { reason: "e2e" });
    assert.match(redaction.event_id, /^\$/);
    // GET /event is the syncapi's read model, which applies the redaction once it consumes it (as in Dendrite)
    const event = await eventually(async () => {
      const fetched = await b.fetchRoomEvent(roomId, mine.event_id);
      return fetched.unsigned?.redacted_because ? fetched : undefined;
    }, "the redacted event from GET /event");
    assert.deepEqual(event.content, {}, "redacted content is stripped");
    assert.equal(event.unsigned.redacted_because.event_id, redaction.event_id);
    // and the sender may redact their own
    const own = await b.sendMessage(roomId, { msgtype: "m.text", body: "mine to redact" });
    await b.redactEvent(roomId, own.event_id);
    const ownRedacted = await eventually(async () => {
      const fetched = await a.fetchRoomEvent(roomId, own.event_id);
      return fetched.unsigned?.redacted_because ? fetched : undefined;
    }, "the sender's own redaction from GET /event");
    assert.deepEqual(ownRedacted.content, {});
  });

  test("redaction reaches the other member's live timeline (v11: redacts in content and at the top level)", async () => {
    assert.ok(roomId, "needs the room of the first test");
    const live = clientFor(bob);
    try {
      await startAndWaitPrepared(live);
      const room = live.getRoom(roomId);
      assert.ok(room, "bob's client knows the room");
      assert.equal(room.getVersion(), "11", "the room is of a version with redacts in content");
      const sent = await b.sendMessage(roomId, { msgtype: "m.text", body: "redacted while bob watches" });
      const seen = await eventually(() => room.getLiveTimeline().getEvents().find((e) => e.getId() === sent.event_id),
        "bob's live timeline shows his message");
      assert.equal(seen.isRedacted(), false);
      const redaction = await a.redactEvent(roomId, sent.event_id, undefined, { reason: "live" });
      // matrix-js-sdk applies a redaction to the live timeline only through the top-level `redacts`
      await eventually(() => room.getLiveTimeline().getEvents().find((e) => e.getId() === sent.event_id)?.isRedacted(),
        "bob's live timeline shows his message as redacted");
      const redacted = room.getLiveTimeline().getEvents().find((e) => e.getId() === sent.event_id);
      assert.deepEqual(redacted.getContent(), {}, "the redacted content is stripped in the live timeline");
      assert.equal(redacted.getUnsigned().redacted_because?.event_id, redaction.event_id);
    } finally {
      live.stopClient();
    }
  });

  test("a display name change reaches the other member's view of the room (a new member event per joined room)", async () => {
    assert.ok(roomId, "needs the room of the first test");
    const live = clientFor(bob);
    try {
      await startAndWaitPrepared(live);
      const room = live.getRoom(roomId);
      assert.ok(room, "bob's client knows the room");
      const name = `Alice ${Date.now()}`;
      await a.setDisplayName(name);
      // clients name members from their m.room.member events, not from the global profile
      await eventually(() => room.getMember(alice.user_id)?.name === name, "bob's client shows alice's new name");
      assert.equal(room.getMember(alice.user_id).membership, "join");
    } finally {
      live.stopClient();
    }
  });
});

describe("knocking with matrix-js-sdk", () => {
  let alice, bob, a, b;

  before(async () => {
    alice = await register(username("alice"));
    bob = await register(username("bob"));
    a = clientFor(alice);
    b = clientFor(bob);
    await startAndWaitPrepared(a);
    await startAndWaitPrepared(b);
  });

  test("bob knocks, sees the room as knocked, alice sees the knock and lets him in", async () => {
    const { room_id: roomId } = await a.createRoom({
      preset: "private_chat",
      name: "knock knock",
      initial_state: [{ type: "m.room.join_rules", state_key: "", content: { join_rule: "knock" } }],
    });
    await b.knockRoom(roomId, { reason: "let me in" });
    await eventually(() => b.getRoom(roomId)?.getMyMembership() === "knock", "bob's client lists the room as knocked");
    await eventually(() => a.getRoom(roomId)?.getMember(bob.user_id)?.membership === "knock", "alice sees the knock");
    assert.equal(a.getRoom(roomId).getMember(bob.user_id).events.member.getContent().reason, "let me in");
    await a.invite(roomId, bob.user_id);
    await b.joinRoom(roomId);
    await eventually(() => a.getRoom(roomId)?.getMember(bob.user_id)?.membership === "join", "bob joined");

    // An invite-only room cannot be knocked on.
    const { room_id: closed } = await a.createRoom({ preset: "private_chat" });
    await expectMatrixError(b.knockRoom(closed), "M_FORBIDDEN", 403);
    a.stopClient();
    b.stopClient();
  });
});

describe("room upgrades with matrix-js-sdk", () => {
  test("alice upgrades the room; bob's client follows the tombstone to the new room, which keeps the name", async () => {
    const alice = await register(username("alice"));
    const bob = await register(username("bob"));
    const a = clientFor(alice);
    const b = clientFor(bob);
    await startAndWaitPrepared(a);
    await startAndWaitPrepared(b);
    try {
      const { room_id: oldRoom } = await a.createRoom({
        preset: "private_chat",
        name: "the old place",
        topic: "about things",
        room_version: "10",
      });
      await a.invite(oldRoom, bob.user_id);
      await b.joinRoom(oldRoom);
      await expectMatrixError(b.upgradeRoom(oldRoom, "11"), "M_FORBIDDEN", 403);
      await expectMatrixError(a.upgradeRoom(oldRoom, "999"), "M_UNSUPPORTED_ROOM_VERSION", 400);

      const { replacement_room: newRoom } = await a.upgradeRoom(oldRoom, "11");
      assert.match(newRoom, /^!/);
      await eventually(() => b.getRoom(oldRoom)?.currentState.getStateEvents("m.room.tombstone", "")
        ?.getContent().replacement_room === newRoom, "bob's client has the tombstone");
      // The join rule came along (invite-only): as Element's upgrade dialog does, alice invites the members.
      await expectMatrixError(b.joinRoom(newRoom), "M_FORBIDDEN", 403);
      await a.invite(newRoom, bob.user_id);
      await b.joinRoom(newRoom);
      await eventually(() => b.getRoom(newRoom)?.name === "the old place", "the name came along");
      assert.equal(b.getRoom(newRoom).findPredecessor()?.roomId, oldRoom, "the new room names its predecessor");
      assert.equal(b.getRoom(newRoom).getVersion(), "11");
      // In the old room only moderators may speak now.
      await expectMatrixError(b.sendMessage(oldRoom, { msgtype: "m.text", body: "hello?" }), "M_FORBIDDEN", 403);
    } finally {
      a.stopClient();
      b.stopClient();
    }
  });
});

describe("room names for lazy-loading clients", () => {
  test("an unnamed room is named after its hero's display name though the hero sent nothing in the timeline", async () => {
    const alice = await register(username("alice"));
    const bob = await register(username("bob"));
    const a = clientFor(alice);
    const b = clientFor(bob);
    await b.setDisplayName("Bobby Hero");
    const { room_id: roomId } = await b.createRoom({ preset: "private_chat", invite: [alice.user_id] });
    await a.joinRoom(roomId);
    // Alice's messages fill the short timeline: bob's member event is not among its senders.
    for (let i = 0; i < 3; i++) await a.sendMessage(roomId, { msgtype: "m.text", body: `alone ${i}` });

    const lazy = clientFor(alice);
    await startAndWaitPrepared(lazy, 30_000, { initialSyncLimit: 2, lazyLoadMembers: true });
    try {
      const room = lazy.getRoom(roomId);
      assert.ok(room, "the room is in the initial sync");
      const senders = room.getLiveTimeline().getEvents().map((e) => e.getSender());
      assert.ok(!senders.includes(bob.user_id), `bob sent nothing in the timeline: ${senders}`);
      assert.equal(room.name, "Bobby Hero");
    } finally {
      lazy.stopClient();
    }
  });
});
