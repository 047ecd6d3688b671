// Typing, read receipts and the fully-read marker through the real matrix-js-sdk: what one user does shows in the
// other user's live client (room members' typing flags, the room's read-up-to), through the whole pipeline
// (client-api → outbox → Kafka → syncapi → /sync), and bad input is refused with the spec's errors.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, register, username, roomOfTwo, startAndWaitPrepared, eventually } from "./lib.mjs";

async function call(method, token, path, body) {
  const response = await fetch(`${BASE_URL}/_matrix/client/v3${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe("typing and receipts with matrix-js-sdk", () => {
  let alice, bob, a, b, roomId;

  before(async () => {
    ({ alice, bob, a, b, roomId } = await roomOfTwo("ephemeral"));
    await startAndWaitPrepared(a);
    await startAndWaitPrepared(b);
    await eventually(() => b.getRoom(roomId)?.getMember(alice.user_id) != null, "bob's client knows alice");
  });

  after(() => {
    a?.stopClient();
    b?.stopClient();
  });

  test("alice typing shows in bob's client, and stops", async () => {
    await a.sendTyping(roomId, true, 30_000);
    await eventually(() => b.getRoom(roomId).getMember(alice.user_id).typing === true, "bob sees alice typing");
    await a.sendTyping(roomId, false);
    await eventually(() => b.getRoom(roomId).getMember(alice.user_id).typing === false, "bob sees alice stop");
  });

  test("bob's read receipt moves in alice's client; a private one does not", async () => {
    const { event_id: first } = await a.sendMessage(roomId, { msgtype: "m.text", body: "read me" });
    await eventually(() => b.getRoom(roomId).findEventById(first) != null, "bob has the message");
    await b.sendReadReceipt(b.getRoom(roomId).findEventById(first));
    await eventually(() => a.getRoom(roomId).getEventReadUpTo(bob.user_id) === first, "alice sees bob read it");

    const { event_id: second } = await a.sendMessage(roomId, { msgtype: "m.text", body: "private read" });
    await eventually(() => b.getRoom(roomId).findEventById(second) != null, "bob has the second message");
    const privately = await call("POST", bob.access_token, `/rooms/${encodeURIComponent(roomId)}/receipt/m.read.private/${encodeURIComponent(second)}`, {});
    assert.equal(privately.status, 200, JSON.stringify(privately.body));
    await eventually(() => b.getRoom(roomId).getReadReceiptForUserId(bob.user_id, false, "m.read.private")?.eventId === second,
      "bob's own client sees his private receipt");
    // The private receipt is stored (bob's client has it); a later sync of alice's — the one that shows bob typing —
    // covers the receipts stream past it, and still her client shows bob's public receipt only.
    await b.sendTyping(roomId, true, 30_000);
    await eventually(() => a.getRoom(roomId).getMember(bob.user_id).typing === true, "alice sees bob typing");
    assert.equal(a.getRoom(roomId).getEventReadUpTo(bob.user_id), first, "alice does not see the private receipt");
    await b.sendTyping(roomId, false);
  });

  test("read markers set m.fully_read and the public receipt", async () => {
    const { event_id: marker } = await a.sendMessage(roomId, { msgtype: "m.text", body: "marker" });
    await eventually(() => b.getRoom(roomId).findEventById(marker) != null, "bob has the message");
    await b.setRoomReadMarkers(roomId, marker, b.getRoom(roomId).findEventById(marker));
    await eventually(() => b.getRoom(roomId).getAccountData("m.fully_read")?.getContent().event_id === marker,
      "bob's client has m.fully_read");
    await eventually(() => a.getRoom(roomId).getEventReadUpTo(bob.user_id) === marker, "alice sees bob's receipt");
  });

  test("reports of an event and of a room reach the server; hidden or unknown ones are not found", async () => {
    const { event_id: eventId } = await a.sendMessage(roomId, { msgtype: "m.text", body: "something rude" });
    await b.reportEvent(roomId, eventId, -100, "rude");
    const room = encodeURIComponent(roomId);
    const roomReport = await call("POST", bob.access_token, `/rooms/${room}/report`, { reason: "spam room" });
    assert.equal(roomReport.status, 200, JSON.stringify(roomReport.body));
    const unknown = await call("POST", bob.access_token, `/rooms/${room}/report/${encodeURIComponent("$nope")}`, {});
    assert.deepEqual([unknown.status, unknown.body.errcode], [404, "M_NOT_FOUND"]);
    const stranger = await register(username("dave"));
    const hidden = await call("POST", stranger.access_token, `/rooms/${room}/report/${encodeURIComponent(eventId)}`, {});
    assert.deepEqual([hidden.status, hidden.body.errcode], [404, "M_NOT_FOUND"]);
    const badScore = await call("POST", bob.access_token, `/rooms/${room}/report/${encodeURIComponent(eventId)}`, { score: 5 });
    assert.deepEqual([badScore.status, badScore.body.errcode], [400, "M_INVALID_PARAM"]);
  });

  test("bad receipts and typing are refused with the spec's errors", async () => {
    const room = encodeURIComponent(roomId);
    const unknown = await call("POST", bob.access_token, `/rooms/${room}/receipt/m.read/${encodeURIComponent("$nope")}`, {});
    assert.deepEqual([unknown.status, unknown.body.errcode], [404, "M_NOT_FOUND"]);
    const { event_id: eventId } = await a.sendMessage(roomId, { msgtype: "m.text", body: "x" });
    const badType = await call("POST", bob.access_token, `/rooms/${room}/receipt/m.nonsense/${encodeURIComponent(eventId)}`, {});
    assert.deepEqual([badType.status, badType.body.errcode], [400, "M_INVALID_PARAM"]);
    const threadedMarker = await call("POST", bob.access_token, `/rooms/${room}/receipt/m.fully_read/${encodeURIComponent(eventId)}`, { thread_id: "main" });
    assert.deepEqual([threadedMarker.status, threadedMarker.body.errcode], [400, "M_INVALID_PARAM"]);
    const stranger = await register(username("carol"));
    const notMember = await call("POST", stranger.access_token, `/rooms/${room}/receipt/m.read/${encodeURIComponent(eventId)}`, {});
    assert.deepEqual([notMember.status, notMember.body.errcode], [403, "M_FORBIDDEN"]);
    const hugeTimeout = await call("PUT", bob.access_token, `/rooms/${room}/typing/${encodeURIComponent(bob.user_id)}`, { typing: true, timeout: 2 ** 53 });
    assert.deepEqual([hugeTimeout.status, hugeTimeout.body.errcode], [400, "M_BAD_JSON"]);
    const forOther = await call("PUT", bob.access_token, `/rooms/${room}/typing/${encodeURIComponent(alice.user_id)}`, { typing: true });
    assert.deepEqual([forOther.status, forOther.body.errcode], [403, "M_FORBIDDEN"]);
  });
});
