// Push rules and unread counts through the real matrix-js-sdk: a user adds a keyword rule with the SDK, sees it in
// the rules the SDK syncs, and the other member's messages then count as the rules say — notifications, a
// highlight for the keyword — until a read receipt clears them, as the client's room shows them.
import { test, describe, before, after } from "node:test";
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

  test("messages count as unread, the keyword highlights, a read receipt clears both", async () => {
    await a.sendMessage(roomId, { msgtype: "m.text", body: "hello" });
    const { event_id: last } = await a.sendMessage(roomId, { msgtype: "m.text", body: "cake in the kitchen" });
    const room = b.getRoom(roomId);
    await eventually(() => room.getUnreadNotificationCount(sdk.NotificationCountType.Total) === 2,
      `two unread (has ${room.getUnreadNotificationCount(sdk.NotificationCountType.Total)})`);
    assert.equal(room.getUnreadNotificationCount(sdk.NotificationCountType.Highlight), 1);
    await eventually(() => room.findEventById(last) != null, "bob has the message");
    await b.sendReadReceipt(room.findEventById(last));
    await eventually(() => room.getUnreadNotificationCount(sdk.NotificationCountType.Total) === 0,
      "nothing unread after the receipt");
    assert.equal(room.getUnreadNotificationCount(sdk.NotificationCountType.Highlight), 0);
  });
});
