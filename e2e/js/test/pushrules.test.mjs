// Push rules and unread counts through the real matrix-js-sdk: a user adds a keyword rule with the SDK, sees it in
// the rules the SDK syncs, and the other member's messages then count as the rules say — notifications, a
// highlight for the keyword — until a read receipt clears them, as the client's room shows them.
import { test, describe, before, after } from "node:test";
import { createServer } from "node:http";
import assert from "node:assert/strict";
import { clientFor, register, username, startAndWaitPrepared, eventually, sdk } from "./lib.mjs";

describe("push rules and unread counts with matrix-js-sdk", () => {
  let alice, bob, a, b, roomId;

  before(async () => {
    alice = await register(username("alice"));
    bob = await register(username("bob"));
    a = clientFor(alice);
    b = clientFor(bob);
    ({ room_id: roomId } = await a.createRoom({ preset: "private_chat", name: "counts" }));
    await a.invite(roomId, bob.user_id);
    await b.joinRoom(roomId);
    // A third member: not a one-to-one room, so the plain message rule decides ordinary messages.
    const carol = await register(username("carol"));
    await a.invite(roomId, carol.user_id);
    await clientFor(carol).joinRoom(roomId);
    await startAndWaitPrepared(b);
  });

  after(() => {
    b?.stopClient();
  });

  test("a keyword rule added through the SDK arrives in the synced rules", async () => {
    await b.addPushRule("global", sdk.PushRuleKind.ContentSpecific, "cake", {
      pattern: "cake",
      actions: ["notify", { set_tweak: "highlight" }],
    });
    await eventually(() => b.pushRules?.global?.content?.some((rule) => rule.rule_id === "cake"),
      "bob's client has the rule from /sync");
    assert.equal(b.pushRules.global.content[0].rule_id, "cake", "user rules before the server defaults");
  });

  test("a pusher set through the SDK receives the notification at a push gateway", async () => {
    const received = [];
    const gateway = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push({ path: request.url, body: JSON.parse(body) });
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ rejected: [] }));
      });
    });
    await new Promise((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${gateway.address().port}/_matrix/push/v1/notify`;
      await b.setPusher({
        kind: "http", app_id: "org.example.e2e", pushkey: "bob-key", app_display_name: "e2e",
        device_display_name: "bob's phone", lang: "en", data: { url, format: "event_id_only" },
      });
      const { pushers } = await b.getPushers();
      assert.deepEqual(pushers.map((p) => p.pushkey), ["bob-key"]);
      const { event_id: eventId } = await a.sendMessage(roomId, { msgtype: "m.text", body: "ping" });
      await eventually(() => received.some((push) => push.body.notification.event_id === eventId),
        "the gateway got the push");
      const push = received.find((p) => p.body.notification.event_id === eventId);
      assert.equal(push.path, "/_matrix/push/v1/notify");
      assert.equal(push.body.notification.room_id, roomId);
      assert.equal(push.body.notification.content, undefined, "event_id_only: no content");
      assert.equal(push.body.notification.devices[0].pushkey, "bob-key");
      await b.setPusher({ kind: null, app_id: "org.example.e2e", pushkey: "bob-key" });
      assert.deepEqual((await b.getPushers()).pushers, []);
      // The read receipt of the next test clears this message too.
    } finally {
      gateway.close();
    }
  });

  test("messages count as unread, the keyword highlights, a read receipt clears both", async () => {
    await a.sendMessage(roomId, { msgtype: "m.text", body: "hello" });
    const { event_id: last } = await a.sendMessage(roomId, { msgtype: "m.text", body: "cake in the kitchen" });
    const room = b.getRoom(roomId);
    // Three with the "ping" of the pusher test.
    await eventually(() => room.getUnreadNotificationCount(sdk.NotificationCountType.Total) === 3,
      `three unread (has ${room.getUnreadNotificationCount(sdk.NotificationCountType.Total)})`);
    assert.equal(room.getUnreadNotificationCount(sdk.NotificationCountType.Highlight), 1);
    await eventually(() => room.findEventById(last) != null, "bob has the message");
    await b.sendReadReceipt(room.findEventById(last));
    await eventually(() => room.getUnreadNotificationCount(sdk.NotificationCountType.Total) === 0,
      "nothing unread after the receipt");
    assert.equal(room.getUnreadNotificationCount(sdk.NotificationCountType.Highlight), 0);
  });
});
