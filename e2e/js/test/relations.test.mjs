// Threads and edits through the real matrix-js-sdk with thread support on: a client that joins the conversation late
// builds its thread list from /threads and the bundled m.thread summaries (reply count, latest reply), pages a thread's
// replies through /relations, and shows an edited message with its new content.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { clientFor, register, username, startAndWaitPrepared, eventually, sdk } from "./lib.mjs";

describe("threads and edits with matrix-js-sdk", () => {
  let alice, bob, a, late, roomId, rootId, editedId;

  before(async () => {
    alice = await register(username("alice"));
    bob = await register(username("bob"));
    a = clientFor(alice);
    const b = clientFor(bob);
    ({ room_id: roomId } = await a.createRoom({ preset: "private_chat", name: "threads" }));
    await a.invite(roomId, bob.user_id);
    await b.joinRoom(roomId);
    ({ event_id: rootId } = await a.sendMessage(roomId, { msgtype: "m.text", body: "thread root" }));
    const inThread = (body) => ({
      msgtype: "m.text",
      body,
      "m.relates_to": { rel_type: "m.thread", event_id: rootId, is_falling_back: true, "m.in_reply_to": { event_id: rootId } },
    });
    await b.sendMessage(roomId, inThread("reply one"));
    await a.sendMessage(roomId, inThread("reply two"));
    ({ event_id: editedId } = await a.sendMessage(roomId, { msgtype: "m.text", body: "helo" }));
    await a.sendMessage(roomId, {
      msgtype: "m.text",
      body: "* hello",
      "m.new_content": { msgtype: "m.text", body: "hello" },
      "m.relates_to": { rel_type: "m.replace", event_id: editedId },
    });
    for (let i = 0; i < 5; i++) await a.sendMessage(roomId, { msgtype: "m.text", body: `later ${i}` });
    // bob's new device, with threads on, starts after all of it: its first sync holds only the newest events.
    late = clientFor(bob, { threadSupport: true });
    await startAndWaitPrepared(late, 30_000, { initialSyncLimit: 3, threadSupport: true });
  });

  after(() => {
    a?.stopClient();
    late?.stopClient();
  });

  test("the thread list comes from /threads with the bundled reply count", async () => {
    const room = late.getRoom(roomId);
    assert.ok(room, "bob's late client has the room");
    // What Element does when the threads panel opens: the thread list timelines, filled from /threads.
    await room.createThreadsTimelineSets();
    await room.fetchRoomThreadList(sdk.ThreadFilterType.All);
    await eventually(() => room.getThread(rootId) != null, "the thread is known");
    const thread = room.getThread(rootId);
    await eventually(() => thread.length === 2, `the thread counts 2 replies (has ${thread.length})`);
    // The SDK pages the thread's replies in through /relations once the thread exists.
    const replies = () => thread.events.filter((e) => e.getId() !== rootId).map((e) => e.getContent().body);
    await eventually(() => replies().length === 2, `the replies are paged in (has ${JSON.stringify(replies())})`);
    assert.deepEqual(replies(), ["reply one", "reply two"]);
  });

  test("an edited message shows its new content", async () => {
    const room = late.getRoom(roomId);
    await eventually(async () => {
      if (room.findEventById(editedId)) return true;
      await late.scrollback(room, 20);
      return room.findEventById(editedId) != null;
    }, "the edited message is paged in");
    const edited = room.findEventById(editedId);
    await eventually(() => edited.getContent().body === "hello", `shows the edit (shows "${edited.getContent().body}")`);
    assert.equal(edited.replacingEventId() != null, true);
  });
});
