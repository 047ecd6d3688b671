// Simplified Sliding Sync (MSC4186) at the protocol level: what a sliding sync client receives while real
// matrix-js-sdk users act in its rooms. The real sliding sync client, the matrix-rust-sdk's room list and timeline,
// is tested in e2e/rust; this suite pins the details a client relies on: exactly-once delivery across pos,
// a retried pos, ordering, subscriptions, extensions, leaves, and bad input answered with the right error and no
// change.
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, register, username, clientFor, eventually } from "./lib.mjs";

const PATH = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";

async function sliding(token, body, { pos, timeout = 0 } = {}) {
  const query = new URLSearchParams();
  if (pos !== undefined) query.set("pos", pos);
  query.set("timeout", String(timeout));
  const response = await fetch(`${BASE_URL}${PATH}?${query}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function call(token, method, path, body) {
  const response = await fetch(`${BASE_URL}/_matrix/client/v3${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${method} ${path}: ${await response.text()}`);
}

async function ok(token, body, options) {
  const { status, body: json } = await sliding(token, body, options);
  assert.equal(status, 200, JSON.stringify(json));
  assert.equal(typeof json.pos, "string");
  return json;
}

function listRequest(extra = {}) {
  return {
    conn_id: "test",
    lists: {
      all: {
        ranges: [[0, 99]],
        timeline_limit: 100,
        required_state: [
          ["m.room.name", ""],
          ["m.room.member", "$LAZY"],
          ["m.room.member", "$ME"],
        ],
      },
    },
    ...extra,
  };
}

describe("simplified sliding sync", () => {
  let alice, bob, b, rooms;

  before(async () => {
    alice = await register(username("alice"));
    bob = await register(username("bob"));
    b = clientFor(bob);
    rooms = [];
    for (const name of ["first", "second", "third"]) {
      const { room_id } = await b.createRoom({ name, invite: [alice.user_id] });
      rooms.push(room_id);
    }
    const a = clientFor(alice);
    for (const roomId of rooms) await a.joinRoom(roomId);
  });

  test("is advertised in /versions", async () => {
    const versions = await (await fetch(`${BASE_URL}/_matrix/client/versions`)).json();
    assert.equal(versions.unstable_features["org.matrix.simplified_msc3575"], true);
  });

  test("the first response holds every room, initial, newest activity first", async () => {
    const first = await ok(alice.access_token, listRequest());
    assert.equal(first.lists.all.count, 3);
    for (const roomId of rooms) {
      const room = first.rooms[roomId];
      assert.ok(room, `room ${roomId} in the first response`);
      assert.equal(room.initial, true);
      assert.equal(room.joined_count, 2);
      assert.equal(typeof room.bump_stamp, "number");
      assert.ok(room.timeline.some((e) => e.type === "m.room.create"), "the whole short history");
      assert.ok(room.required_state.some((e) => e.type === "m.room.name"));
      assert.ok(room.required_state.some((e) => e.type === "m.room.member" && e.state_key === alice.user_id), "$ME");
    }
    assert.equal(first.rooms[rooms[0]].name, "first");
    // Created in order, so the last room has the newest create event.
    const stamps = rooms.map((roomId) => first.rooms[roomId].bump_stamp);
    assert.ok(stamps[0] < stamps[1] && stamps[1] < stamps[2], `bump stamps ${stamps}`);
  });

  test("a message moves its room to the top of a one-room window", async () => {
    const request = listRequest();
    request.lists.all.ranges = [[0, 0]];
    const first = await ok(alice.access_token, request);
    assert.deepEqual(Object.keys(first.rooms), [rooms[2]]);
    await b.sendMessage(rooms[0], { msgtype: "m.text", body: "bump" });
    const next = await ok(alice.access_token, request, { pos: first.pos, timeout: 10_000 });
    assert.deepEqual(Object.keys(next.rooms), [rooms[0]]);
    assert.equal(next.rooms[rooms[0]].initial, true, "the client never had this room");
    assert.equal(next.rooms[rooms[0]].timeline.at(-1).content.body, "bump");
  });

  test("every message arrives exactly once across positions, and a retried pos gets the lost answer again", async () => {
    const request = listRequest();
    let { pos } = await ok(alice.access_token, request);
    const sent = [];
    const seen = [];
    const record = (response) => {
      for (const roomId of Object.keys(response.rooms ?? {})) {
        const room = response.rooms[roomId];
        assert.ok(!room.limited, "no more than the timeline limit between two syncs");
        for (const event of room.timeline) if (event.type === "m.room.message") seen.push(event.event_id);
      }
    };
    for (let i = 0; i < 30; i++) {
      const { event_id } = await b.sendMessage(rooms[i % 3], { msgtype: "m.text", body: `n${i}` });
      sent.push(event_id);
      if (i % 7 === 3) {
        // The answer to this request is lost: the client asks again with the same pos.
        const lost = await ok(alice.access_token, request, { pos, timeout: 5_000 });
        assert.notEqual(lost.pos, pos);
      }
      if (i % 4 === 0) {
        const next = await ok(alice.access_token, request, { pos, timeout: 5_000 });
        record(next);
        pos = next.pos;
      }
    }
    await eventually(async () => {
      const next = await ok(alice.access_token, request, { pos, timeout: 1_000 });
      record(next);
      pos = next.pos;
      return sent.every((id) => seen.includes(id));
    }, "every message seen");
    assert.equal(new Set(seen).size, seen.length, "no message twice");
    assert.deepEqual(seen.filter((id) => sent.includes(id)).sort(), [...sent].sort());
  });

  test("the user's own read receipt sends the room again with its counts cleared", async () => {
    const request = listRequest();
    const first = await ok(alice.access_token, request);
    const { event_id } = await b.sendMessage(rooms[2], { msgtype: "m.text", body: "unread" });
    let pos = first.pos;
    await eventually(async () => {
      const next = await ok(alice.access_token, request, { pos, timeout: 1_000 });
      pos = next.pos;
      return next.rooms[rooms[2]]?.notification_count > 0;
    }, "the message counted as unread");
    await call(alice.access_token, "POST", `/rooms/${encodeURIComponent(rooms[2])}/receipt/m.read/${encodeURIComponent(event_id)}`, {});
    const read = await ok(alice.access_token, request, { pos, timeout: 10_000 });
    assert.equal(read.rooms[rooms[2]]?.notification_count, 0, JSON.stringify(read.rooms));
    assert.deepEqual(read.rooms[rooms[2]].timeline, [], "no event is new");
  });

  test("a room read elsewhere while it was in no window comes back with its counts cleared", async () => {
    const request = listRequest();
    request.lists.all.ranges = [[0, 0]];
    request.lists.all.timeline_limit = 1;
    const { event_id } = await b.sendMessage(rooms[2], { msgtype: "m.text", body: "unread, on top" });
    let pos;
    await eventually(async () => {
      const first = await ok(alice.access_token, request);
      pos = first.pos;
      return first.rooms[rooms[2]]?.notification_count > 0;
    }, "rooms[2] on top and unread");

    // rooms[1] takes the window; alice reads rooms[2] (on another client); news in rooms[1] gives a new pos.
    await b.sendMessage(rooms[1], { msgtype: "m.text", body: "now on top" });
    await call(alice.access_token, "POST", `/rooms/${encodeURIComponent(rooms[2])}/receipt/m.read/${encodeURIComponent(event_id)}`, {});
    await b.sendMessage(rooms[1], { msgtype: "m.text", body: "still on top" });
    await eventually(async () => {
      const next = await ok(alice.access_token, request, { pos, timeout: 1_000 });
      pos = next.pos;
      return next.rooms[rooms[1]]?.timeline.some((e) => e.content.body === "still on top");
    }, "the news in rooms[1]");

    // A wider window brings rooms[2] back, with no new event: its counts are what changed.
    request.lists.all.ranges = [[0, 1]];
    const wider = await ok(alice.access_token, request, { pos });
    assert.equal(wider.rooms[rooms[2]]?.notification_count, 0, JSON.stringify(wider.rooms));
    assert.deepEqual(wider.rooms[rooms[2]].timeline, [], "no event is new");
  });

  test("a long-poll with nothing new waits and answers the same pos", async () => {
    const request = listRequest();
    const first = await ok(alice.access_token, request);
    const started = Date.now();
    const idle = await ok(alice.access_token, request, { pos: first.pos, timeout: 1_500 });
    assert.ok(Date.now() - started >= 1_400, "it waited");
    assert.equal(idle.pos, first.pos);
    assert.deepEqual(idle.rooms, {});
  });

  test("subscribing with a longer timeline expands a listed room's timeline", async () => {
    const request = listRequest();
    request.lists.all.timeline_limit = 1;
    const first = await ok(alice.access_token, request);
    assert.equal(first.rooms[rooms[1]].timeline.length, 1);
    // As Element X opens a room: a longer timeline and more state (here the join rules) in one request.
    const subscribed = {
      ...request,
      room_subscriptions: { [rooms[1]]: { timeline_limit: 20, required_state: [["m.room.join_rules", ""]] } },
    };
    const next = await ok(alice.access_token, subscribed, { pos: first.pos });
    const room = next.rooms[rooms[1]];
    assert.equal(room.expanded_timeline, true);
    assert.ok(room.timeline.length > 1, `expanded to ${room.timeline.length} events`);
    assert.equal(room.initial, undefined);
    assert.ok(room.required_state.some((e) => e.type === "m.room.join_rules"), "the newly asked state, unchanged since");
  });

  test("extensions: typing, receipts, to-device, account data", async () => {
    const request = listRequest({
      extensions: {
        typing: { enabled: true },
        receipts: { enabled: true },
        to_device: { enabled: true },
        account_data: { enabled: true },
        e2ee: { enabled: true },
      },
    });
    const first = await ok(alice.access_token, request);
    assert.ok(first.extensions.account_data.global.some((e) => e.type === "m.push_rules"), "push rules, whole");
    assert.ok(first.extensions.e2ee.device_one_time_keys_count, "key counts");
    const toDeviceSince = first.extensions.to_device.next_batch;

    await b.sendTyping(rooms[1], true, 30_000);
    const { event_id } = await b.sendMessage(rooms[1], { msgtype: "m.text", body: "read this" });
    await call(bob.access_token, "POST", `/rooms/${encodeURIComponent(rooms[1])}/receipt/m.read/${encodeURIComponent(event_id)}`, {});
    await call(bob.access_token, "PUT", `/sendToDevice/org.example.ping/t${Date.now()}`, {
      messages: { [alice.user_id]: { [alice.device_id]: { n: 1 } } },
    });

    let pos = first.pos;
    let typing, receipt, toDevice, nextBatch = toDeviceSince;
    await eventually(async () => {
      const body = structuredClone(request);
      body.extensions.to_device.since = nextBatch;
      const next = await ok(alice.access_token, body, { pos, timeout: 1_000 });
      pos = next.pos;
      typing ??= next.extensions.typing.rooms[rooms[1]];
      receipt ??= next.extensions.receipts.rooms[rooms[1]];
      toDevice ??= next.extensions.to_device.events.find((e) => e.type === "org.example.ping");
      nextBatch = next.extensions.to_device.next_batch;
      return typing && receipt && toDevice;
    }, "typing, receipt and to-device message");
    assert.deepEqual(typing.content.user_ids, [bob.user_id]);
    assert.ok(receipt.content[event_id]["m.read"][bob.user_id].ts > 0);
    assert.equal(toDevice.sender, bob.user_id);
    assert.deepEqual(toDevice.content, { n: 1 });

    // next_batch acknowledged the message: it does not come again.
    const body = structuredClone(request);
    body.extensions.to_device.since = nextBatch;
    const again = await ok(alice.access_token, body, { pos, timeout: 0 });
    assert.equal(again.extensions.to_device.events.length, 0);
  });

  test("to_device.limit caps each batch; the rest comes in the next", async () => {
    const request = listRequest({ extensions: { to_device: { enabled: true, limit: 1 } } });
    const first = await ok(alice.access_token, request);
    for (const n of [1, 2]) {
      await call(bob.access_token, "PUT", `/sendToDevice/org.example.batch/b${n}-${Date.now()}`, {
        messages: { [alice.user_id]: { [alice.device_id]: { n } } },
      });
    }
    let pos = first.pos;
    let since = first.extensions.to_device.next_batch;
    const received = [];
    await eventually(async () => {
      const body = structuredClone(request);
      body.extensions.to_device.since = since;
      const next = await ok(alice.access_token, body, { pos, timeout: 1_000 });
      assert.ok(next.extensions.to_device.events.length <= 1, JSON.stringify(next.extensions.to_device));
      pos = next.pos;
      since = next.extensions.to_device.next_batch;
      received.push(...next.extensions.to_device.events.filter((e) => e.type === "org.example.batch"));
      return received.length === 2;
    }, "both messages, one per batch");
    assert.deepEqual(received.map((e) => e.content.n), [1, 2]);
  });

  test("a receipt given while its room was in no window arrives when the room comes back", async () => {
    const request = listRequest({ extensions: { receipts: { enabled: true } } });
    request.lists.all.ranges = [[0, 0]];
    request.lists.all.timeline_limit = 1;
    const { event_id } = await b.sendMessage(rooms[0], { msgtype: "m.text", body: "on top" });
    const first = await ok(alice.access_token, request);
    assert.deepEqual(Object.keys(first.rooms), [rooms[0]]);

    // Another room takes the only window: rooms[0] leaves the receipts extension's scope.
    await b.sendMessage(rooms[1], { msgtype: "m.text", body: "now this one" });
    let pos = first.pos;
    await eventually(async () => {
      const next = await ok(alice.access_token, request, { pos, timeout: 1_000 });
      pos = next.pos;
      return next.rooms[rooms[1]] !== undefined;
    }, "rooms[1] in the window");

    // The receipt, then news in the window: the client takes a response (a new pos) that leaves the receipt out.
    await call(bob.access_token, "POST", `/rooms/${encodeURIComponent(rooms[0])}/receipt/m.read/${encodeURIComponent(event_id)}`, {});
    await b.sendMessage(rooms[1], { msgtype: "m.text", body: "more here" });
    await eventually(async () => {
      const next = await ok(alice.access_token, request, { pos, timeout: 1_000 });
      assert.equal(next.extensions.receipts.rooms[rooms[0]], undefined, "out of scope: not sent");
      pos = next.pos;
      return next.rooms[rooms[1]]?.timeline.some((e) => e.content.body === "more here");
    }, "the news in rooms[1]");

    // rooms[0] comes back to the window: the receipt the client missed comes with it.
    await b.sendMessage(rooms[0], { msgtype: "m.text", body: "back on top" });
    let receipt;
    await eventually(async () => {
      const next = await ok(alice.access_token, request, { pos, timeout: 1_000 });
      pos = next.pos;
      receipt ??= next.extensions.receipts.rooms[rooms[0]];
      return receipt !== undefined;
    }, "the missed receipt");
    assert.ok(receipt.content[event_id]?.["m.read"]?.[bob.user_id]?.ts > 0, JSON.stringify(receipt));
  });

  test("an invite shows its stripped state; a kick shows once, then the room is gone", async () => {
    const carol = await register(username("carol"));
    const { room_id: roomId } = await b.createRoom({ name: "invite-me", invite: [carol.user_id] });
    const request = listRequest();
    const first = await ok(carol.access_token, request);
    const invite = first.rooms[roomId];
    assert.ok(invite.invite_state.some((e) => e.type === "m.room.name" && e.content.name === "invite-me"));
    assert.equal(invite.timeline, undefined);

    await clientFor(carol).joinRoom(roomId);
    const joined = await ok(carol.access_token, request, { pos: first.pos, timeout: 10_000 });
    assert.equal(joined.rooms[roomId].initial, true, "joining an invited room sends it whole");

    await b.kick(roomId, carol.user_id, "bye");
    const kicked = await ok(carol.access_token, request, { pos: joined.pos, timeout: 10_000 });
    const last = kicked.rooms[roomId].timeline.at(-1);
    assert.equal(last.type, "m.room.member");
    assert.equal(last.content.membership, "leave");
    assert.equal(kicked.lists.all.count, 1, "still counted until the client has the leave");

    const after = await ok(carol.access_token, request, { pos: kicked.pos, timeout: 0 });
    assert.equal(after.lists.all.count, 0);
    assert.equal(after.rooms[roomId], undefined);
  });

  test("bad input is refused with the right error and changes nothing", async () => {
    const token = alice.access_token;
    const first = await ok(token, listRequest());
    const cases = [
      [{ lists: { all: { ranges: "0-10" } } }, 400, "M_BAD_JSON"],
      [{ lists: { all: { ranges: [[0]] } } }, 400, "M_BAD_JSON"],
      [{ lists: { all: { ranges: [[5, 1]] } } }, 400, "M_INVALID_PARAM"],
      [{ lists: { all: { ranges: [[-1, 3]] } } }, 400, "M_INVALID_PARAM"],
      [{ lists: { all: { ranges: [[0, 1]], required_state: [["m.room.name"]] } } }, 400, "M_BAD_JSON"],
      [{ lists: { all: { ranges: [[0, 1]], timeline_limit: -1 } } }, 400, "M_INVALID_PARAM"],
      [{ lists: [] }, 400, "M_BAD_JSON"],
      [{ room_subscriptions: { "not-a-room": { timeline_limit: 1 } } }, 400, "M_INVALID_PARAM"],
      [{ conn_id: "x".repeat(300) }, 400, "M_INVALID_PARAM"],
      ["{not json", 400, "M_NOT_JSON"],
    ];
    for (const [body, status, errcode] of cases) {
      const response = await sliding(token, body, { pos: first.pos });
      assert.equal(response.status, status, `${JSON.stringify(body)} → ${JSON.stringify(response.body)}`);
      assert.equal(response.body.errcode, errcode, JSON.stringify(body));
    }
    for (const pos of ["999999999", "abc", "-3"]) {
      const response = await sliding(token, listRequest(), { pos });
      assert.equal(response.status, 400);
      assert.equal(response.body.errcode, "M_UNKNOWN_POS");
    }
    // Another device's pos is unknown to this one.
    const other = await ok(bob.access_token, listRequest());
    assert.equal((await sliding(token, listRequest(), { pos: other.pos })).body.errcode, "M_UNKNOWN_POS");

    // Huge ranges are served (they only cover the rooms there are); the pos still works and nothing was lost.
    const huge = listRequest();
    huge.lists.all.ranges = [[0, 1_000_000_000]];
    const next = await ok(token, huge, { pos: first.pos, timeout: 0 });
    assert.equal(next.lists.all.count, 3);
    assert.equal((await sliding(token, listRequest())).status, 200);
    const unauthenticated = await fetch(`${BASE_URL}${PATH}`, { method: "POST", body: "{}" });
    assert.equal(unauthenticated.status, 401);
  });
});
