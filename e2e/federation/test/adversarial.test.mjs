// Scenario 5 of issue #12: a server that signs with its own key and sends what a real one never would. Each bad
// request or PDU gets the spec's answer, the room's state is untouched, and the next good PDU is accepted.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import https from "node:https";
import { after, before, test } from "node:test";
import { canonical, EvilServer } from "../evil.mjs";
import * as h from "../harness.mjs";
import { bodies, clientOf, eventually, scrollToStart, stopClients, unique } from "./clients.mjs";

let lattice;
let evil;

before(async () => {
  const dir = h.workDir();
  const tls = h.makeTestCa(dir);
  lattice = await h.startLattice(dir, tls);
  evil = await new EvilServer(tls).start();
});

after(async () => {
  stopClients();
  evil?.stop();
  await h.stopAll();
});

const enc = encodeURIComponent;

/** The room's state on Lattice as the owner sees it, by (type, state key) → event ID. */
async function stateOf(account, roomId) {
  const response = await fetch(`${account.baseUrl}/_matrix/client/v3/rooms/${enc(roomId)}/state`, {
    headers: { Authorization: `Bearer ${account.access_token}` },
  });
  const events = await response.json();
  return Object.fromEntries(events.map((e) => [`${e.type}|${e.state_key}`, e.event_id]));
}

/** Joins `user` (of the evil server) through make_join and send_join (`query` added); the join's ID and the answer. */
async function sendJoin(roomId, user, query = "") {
  const made = await evil.request(lattice, "GET", `/_matrix/federation/v1/make_join/${enc(roomId)}/${enc(user)}?ver=10`);
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const { event, eventId } = evil.finishEvent({ ...made.body.event, origin_server_ts: Date.now() });
  const sent = await evil.request(lattice, "PUT", `/_matrix/federation/v2/send_join/${enc(roomId)}/${enc(eventId)}${query}`, event);
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  return { eventId, answer: sent.body };
}

/** Joins `user` (of the evil server) through make_join and send_join; returns the join's event ID. */
async function join(roomId, user) {
  const { eventId, answer } = await sendJoin(roomId, user);
  assert.equal(answer.members_omitted, false);
  return eventId;
}

/** A message event of `sender` on `prev`, with the auth events of a public room's member. */
function message(roomId, sender, prev, auth, depth, body, options) {
  return evil.finishEvent(
    {
      type: "m.room.message",
      room_id: roomId,
      sender,
      content: { msgtype: "m.text", body },
      prev_events: [prev],
      auth_events: auth,
      depth,
      origin_server_ts: Date.now(),
    },
    options,
  );
}

async function send(pdus, { destination, txnId = unique("t") } = {}) {
  return evil.request(
    lattice,
    "PUT",
    `/_matrix/federation/v1/send/${txnId}`,
    { origin: evil.serverName, origin_server_ts: Date.now(), pdus, edus: [] },
    { destination },
  );
}

test("bad signatures, wrong hashes, auth failures, unknown prev events, forged destinations, oversized transactions and out-of-range depths change nothing; the next good PDU is accepted", async () => {
  const owner = await h.registerOnLattice(lattice, unique("own"));
  const ownerClient = await clientOf(owner);
  const { room_id: roomId } = await ownerClient.createRoom({ preset: "public_chat", room_version: "10", name: "Target" });
  const mallory = `@mallory:${evil.serverName}`;
  const joinId = await join(roomId, mallory);
  await eventually(() => ownerClient.getRoom(roomId)?.getMember(mallory)?.membership === "join", "mallory's join");

  const state = await stateOf(owner, roomId);
  const auth = [state["m.room.create|"], state["m.room.power_levels|"], joinId];
  let depth = 100;

  // A bad signature: signed under the origin's key ID by another key.
  const forgedPdu = message(roomId, mallory, joinId, auth, depth++, "signed", { wrongKey: true });
  const forged = await send([forgedPdu.event]);
  assert.equal(forged.status, 200);
  assert.match(forged.body.pdus[forgedPdu.eventId]?.error ?? "", /signature/, JSON.stringify(forged.body));

  // A wrong content hash: kept, redacted.
  const wrongHash = message(roomId, mallory, joinId, auth, depth++, "you should not read this", { badHash: true });
  const hashed = await send([wrongHash.event]);
  assert.equal(hashed.status, 200);
  assert.deepEqual(hashed.body.pdus[wrongHash.eventId], {}, "a wrong hash is accepted redacted");
  await eventually(async () => {
    const seen = ownerClient.getRoom(roomId)?.findEventById(wrongHash.eventId);
    return seen && seen.getContent().body === undefined;
  }, "the redacted form on Lattice");
  assert.ok(!bodies(ownerClient, roomId).includes("you should not read this"));

  // Auth failure: a sender who is not in the room.
  const stranger = message(roomId, `@stranger:${evil.serverName}`, wrongHash.eventId, auth, depth++, "not a member");
  const refused = await send([stranger.event]);
  assert.match(refused.body.pdus[stranger.eventId]?.error ?? "", /auth|AUTH|joined|JOINED/, JSON.stringify(refused.body));

  // Unknown prev events: the origin cannot fill the gap (our key server answers 404 to get_missing_events).
  const orphan = message(roomId, mallory, "$doesNotExistAnywhere", auth, depth++, "orphan");
  const gap = await send([orphan.event]);
  assert.match(gap.body.pdus[orphan.eventId]?.error ?? "", /prev_events/, JSON.stringify(gap.body));

  // A room the origin has no member in.
  const { room_id: other } = await ownerClient.createRoom({ preset: "public_chat", room_version: "10" });
  const otherState = await stateOf(owner, other);
  const intruder = message(other, mallory, otherState["m.room.join_rules|"], [otherState["m.room.create|"], otherState["m.room.power_levels|"]], 50, "intrusion");
  const intrusion = await send([intruder.event]);
  assert.match(intrusion.body.pdus[intruder.eventId]?.error ?? "", /JOINED|joined/, JSON.stringify(intrusion.body));

  // A forged destination, an oversized transaction, a depth of 2^63: refused as a whole.
  const misdirected = await send([message(roomId, mallory, joinId, auth, depth++, "x").event], { destination: "elsewhere.test" });
  assert.equal(misdirected.status, 401, JSON.stringify(misdirected.body));
  assert.equal(misdirected.body.errcode, "M_UNAUTHORIZED");
  const many = Array.from({ length: 51 }, (_, i) => message(roomId, mallory, joinId, auth, depth + i, `bulk ${i}`).event);
  const oversized = await send(many);
  assert.equal(oversized.status, 400, JSON.stringify(oversized.body));
  const deep = message(roomId, mallory, joinId, auth, 1, "deep").event;
  const rawDeep = JSON.stringify({ origin: evil.serverName, origin_server_ts: Date.now(), pdus: [deep], edus: [] }).replace('"depth":1', '"depth":9223372036854775808');
  const tooDeep = await evil.request(lattice, "PUT", `/_matrix/federation/v1/send/${unique("t")}`, rawDeep);
  assert.equal(tooDeep.status, 400, JSON.stringify(tooDeep.body));

  assert.deepEqual(await stateOf(owner, roomId), state, "the room's state is untouched");
  assert.deepEqual(Object.keys(await stateOf(owner, other)).sort(), Object.keys(otherState).sort());

  // And the next good PDU is accepted and shown.
  const good = message(roomId, mallory, wrongHash.eventId, auth, depth + 100, "a good one at last");
  const accepted = await send([good.event]);
  assert.deepEqual(accepted.body.pdus[good.eventId], {}, JSON.stringify(accepted.body));
  await eventually(() => bodies(ownerClient, roomId).includes("a good one at last"), "the good PDU on Lattice");
  for (const bad of ["signed", "not a member", "orphan", "intrusion", "x"]) {
    assert.ok(!bodies(ownerClient, roomId).includes(bad), `${bad} is not shown`);
  }
});

test("a transaction's PDUs are taken in order without waiting for each: a chain of 40 is shown once and in order, a forged PDU among them is refused and so is the one naming it", async () => {
  const owner = await h.registerOnLattice(lattice, unique("own"));
  const ownerClient = await clientOf(owner);
  const { room_id: roomId } = await ownerClient.createRoom({ preset: "public_chat", room_version: "10" });
  const mallory = `@mallory:${evil.serverName}`;
  const joinId = await join(roomId, mallory);
  await eventually(() => ownerClient.getRoom(roomId)?.getMember(mallory)?.membership === "join", "mallory's join");
  const state = await stateOf(owner, roomId);
  const auth = [state["m.room.create|"], state["m.room.power_levels|"], joinId];

  // Each names the one before it, all in one transaction: the roomserver must decide them in this order.
  const chain = [];
  let prev = joinId;
  for (let i = 0; i < 40; i++) {
    const next = message(roomId, mallory, prev, auth, 100 + i, `chain ${i}`);
    chain.push(next);
    prev = next.eventId;
  }
  const forged = message(roomId, mallory, prev, auth, 140, "forged", { wrongKey: true });
  // Its prev event is the forged one, which is not held, and the origin cannot fill the gap (404).
  const afterForged = message(roomId, mallory, forged.eventId, auth, 141, "after the forged one");
  const afterChain = message(roomId, mallory, prev, auth, 141, "after the chain");
  const answer = await send([...chain.map((m) => m.event), forged.event, afterForged.event, afterChain.event]);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  for (const accepted of [...chain, afterChain]) {
    assert.deepEqual(answer.body.pdus[accepted.eventId], {}, JSON.stringify(answer.body.pdus[accepted.eventId]));
  }
  assert.match(answer.body.pdus[forged.eventId]?.error ?? "", /signature/, JSON.stringify(answer.body));
  assert.match(answer.body.pdus[afterForged.eventId]?.error ?? "", /prev_events/, JSON.stringify(answer.body));

  await eventually(() => bodies(ownerClient, roomId).includes("after the chain"), "the last PDU on Lattice");
  // More arrived at once than a sync's timeline holds: the client pages back over the gap.
  await scrollToStart(ownerClient, roomId);
  assert.deepEqual(bodies(ownerClient, roomId), [...chain.map((_, i) => `chain ${i}`), "after the chain"]);
});

test("a gap wider than get_missing_events reaches is filled with the state at the gap from the origin: what follows it is shown, the state it names is taken", async () => {
  const owner = await h.registerOnLattice(lattice, unique("own"));
  const ownerClient = await clientOf(owner);
  const { room_id: roomId } = await ownerClient.createRoom({ preset: "public_chat", room_version: "10", name: "Gap" });
  const mallory = `@mallory:${evil.serverName}`;
  // A partial-state join (omit_members): a named room's state without member events, nor the state's events in the
  // auth chain, which still holds the members that authorise it (the creator's join).
  const { eventId: joinId, answer } = await sendJoin(roomId, mallory, "?omit_members=true");
  assert.equal(answer.members_omitted, true);
  assert.deepEqual(answer.state.filter((e) => e.type === "m.room.member"), [], "no member events in state");
  assert.ok(answer.state.some((e) => e.type === "m.room.name"));
  assert.ok(answer.servers_in_room.includes(lattice.serverName), JSON.stringify(answer.servers_in_room));
  const inState = new Set(answer.state.map(canonical));
  assert.ok(!answer.auth_chain.some((e) => inState.has(canonical(e))), "state's events left out of the auth chain");
  assert.ok(answer.auth_chain.some((e) => e.type === "m.room.member" && e.state_key === owner.user_id));
  await eventually(() => ownerClient.getRoom(roomId)?.getMember(mallory)?.membership === "join", "mallory's join");
  const state = await stateOf(owner, roomId);
  const base = [state["m.room.create|"], state["m.room.power_levels|"]];

  // Fifteen events on mallory's join that Lattice never received: the third renames mallory, the others are messages.
  const chain = [];
  let prev = joinId;
  let member = joinId;
  for (let i = 0; i < 15; i++) {
    const built = i === 2
      ? evil.finishEvent({
          type: "m.room.member",
          state_key: mallory,
          room_id: roomId,
          sender: mallory,
          content: { membership: "join", displayname: "Mallory behind the gap" },
          prev_events: [prev],
          auth_events: [...base, state["m.room.join_rules|"], member],
          depth: 100 + i,
          origin_server_ts: Date.now(),
        })
      : message(roomId, mallory, prev, [...base, member], 100 + i, `gap ${i}`);
    chain.push(built);
    if (i === 2) member = built.eventId;
    prev = built.eventId;
  }
  // What the origin answers: the ten events before the last (get_missing_events' limit), the state before the oldest
  // of them (mallory renamed), and the one event of that state Lattice lacks.
  const asked = { missing: 0, stateAt: [], events: [] };
  const json = (response, body) => response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  evil.routes.set(`/_matrix/federation/v1/get_missing_events/${roomId}`, (request, response) => {
    asked.missing++;
    json(response, { events: chain.slice(4, 14).map((e) => e.event) });
  });
  evil.routes.set(`/_matrix/federation/v1/state_ids/${roomId}`, (request, response) => {
    asked.stateAt.push(new URL(request.url, "https://x").searchParams.get("event_id"));
    const before = { ...state, [`m.room.member|${mallory}`]: chain[2].eventId };
    json(response, { pdu_ids: Object.values(before), auth_chain_ids: [...base, state["m.room.join_rules|"], joinId] });
  });
  evil.routes.set(`/_matrix/federation/v1/event/${chain[2].eventId}`, (request, response) => {
    asked.events.push(chain[2].eventId);
    json(response, { origin: evil.serverName, origin_server_ts: Date.now(), pdus: [chain[2].event] });
  });

  const last = chain[14];
  const sent = await send([last.event]);
  assert.deepEqual(sent.body.pdus[last.eventId], {}, JSON.stringify(sent.body));
  assert.equal(asked.missing, 1, "get_missing_events asked once");
  assert.deepEqual(asked.stateAt, [chain[4].eventId], "the state asked for at the oldest event beyond the gap");
  assert.deepEqual(asked.events, [chain[2].eventId], "only the state event Lattice lacked fetched");
  assert.equal((await stateOf(owner, roomId))[`m.room.member|${mallory}`], chain[2].eventId, "the rename is current");

  // What the owner's client shows: every event from the gap on, once and in order; nothing from before it.
  // (eleven events may reach the client in one sync past its timeline limit of 10: it pages back for the rest)
  const expected = chain.slice(4).map((_, i) => `gap ${i + 4}`);
  await eventually(() => bodies(ownerClient, roomId).includes("gap 14"), "the last event on Lattice");
  await eventually(async () => {
    if (bodies(ownerClient, roomId).includes("gap 4")) return true;
    await ownerClient.scrollback(ownerClient.getRoom(roomId), 20);
    return bodies(ownerClient, roomId).includes("gap 4");
  }, "the first event after the gap, paging back");
  const shown = bodies(ownerClient, roomId).filter((b) => b.startsWith("gap "));
  assert.deepEqual(shown, expected);
  await eventually(
    () => ownerClient.getRoom(roomId)?.getMember(mallory)?.rawDisplayName === "Mallory behind the gap",
    "mallory's new name in the client",
  );

  // The room goes on from there.
  const next = message(roomId, mallory, last.eventId, [...base, member], 200, "after the gap");
  assert.deepEqual((await send([next.event])).body.pdus[next.eventId], {});
  await eventually(() => bodies(ownerClient, roomId).includes("after the gap"), "the next message on Lattice");
});

test("a room's server ACL shuts a server out: its PDUs are refused and its room requests answered 403 M_FORBIDDEN", async () => {
  const owner = await h.registerOnLattice(lattice, unique("own"));
  const ownerClient = await clientOf(owner);
  const { room_id: roomId } = await ownerClient.createRoom({ preset: "public_chat", room_version: "10", name: "ACL" });
  const mallory = `@mallory:${evil.serverName}`;
  const joinId = await join(roomId, mallory);
  await eventually(() => ownerClient.getRoom(roomId)?.getMember(mallory)?.membership === "join", "mallory's join");
  const state = await stateOf(owner, roomId);
  const auth = [state["m.room.create|"], state["m.room.power_levels|"], joinId];

  const before = message(roomId, mallory, joinId, auth, 100, "before the ACL");
  assert.deepEqual((await send([before.event])).body.pdus[before.eventId], {});
  const jump = (dir) => evil.request(
    lattice, "GET", `/_matrix/federation/v1/timestamp_to_event/${enc(roomId)}?ts=${Date.now() + 60_000}&dir=${dir}`);
  const latest = await jump("b");
  assert.equal(latest.status, 200, JSON.stringify(latest.body));
  assert.equal(latest.body.event_id, before.eventId, "the newest event at or before a minute from now");
  assert.equal((await jump("f")).body.errcode, "M_NOT_FOUND");
  assert.equal((await jump("sideways")).body.errcode, "M_INVALID_PARAM");

  // Every server here is named by an IP literal: an ACL refusing IP literals shuts the evil server out.
  await ownerClient.sendStateEvent(roomId, "m.room.server_acl", { allow: ["*"], deny: [], allow_ip_literals: false }, "");
  await eventually(async () => (await stateOf(owner, roomId))["m.room.server_acl|"], "the ACL in the room's state");

  const after = message(roomId, mallory, before.eventId, auth, 101, "after the ACL");
  const refused = await send([after.event]);
  assert.match(refused.body.pdus[after.eventId]?.error ?? "", /ACL/, JSON.stringify(refused.body));
  for (const path of [
    `/_matrix/federation/v1/state_ids/${enc(roomId)}?event_id=${enc(joinId)}`,
    `/_matrix/federation/v1/backfill/${enc(roomId)}?v=${enc(joinId)}&limit=10`,
    `/_matrix/federation/v1/make_join/${enc(roomId)}/${enc(`@other:${evil.serverName}`)}?ver=10`,
    `/_matrix/federation/v1/event/${enc(joinId)}`,
    `/_matrix/federation/v1/timestamp_to_event/${enc(roomId)}?ts=${Date.now()}&dir=b`,
  ]) {
    const answer = await evil.request(lattice, "GET", path);
    assert.equal(answer.status, 403, `${path}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.errcode, "M_FORBIDDEN");
  }
  await eventually(() => bodies(ownerClient, roomId).includes("before the ACL"), "the message from before the ACL");
  assert.ok(!bodies(ownerClient, roomId).includes("after the ACL"), "the refused PDU is not shown");
});

test("an OpenID token a Lattice user requests is vouched for through /openid/userinfo; any other token is 401", async () => {
  const owner = await h.registerOnLattice(lattice, unique("oid"));
  const ownerClient = await clientOf(owner);
  const token = await ownerClient.getOpenIdToken();
  assert.equal(token.token_type, "Bearer");
  assert.equal(token.matrix_server_name, lattice.serverName);
  assert.equal(token.expires_in, 3600);

  const userinfo = (t) => evil.request(lattice, "GET", `/_matrix/federation/v1/openid/userinfo?access_token=${enc(t)}`);
  const vouched = await userinfo(token.access_token);
  assert.equal(vouched.status, 200, JSON.stringify(vouched.body));
  assert.deepEqual(vouched.body, { sub: owner.user_id });
  for (const bad of ["not-a-token", owner.access_token]) {
    const refused = await userinfo(bad);
    assert.equal(refused.status, 401, JSON.stringify(refused.body));
    assert.equal(refused.body.errcode, "M_UNKNOWN_TOKEN");
  }
  const forOther = await fetch(`${owner.baseUrl}/_matrix/client/v3/user/${enc(`@someone:${lattice.serverName}`)}/openid/request_token`, {
    method: "POST",
    headers: { Authorization: `Bearer ${owner.access_token}`, "Content-Type": "application/json" },
    body: "{}",
  });
  assert.equal(forOther.status, 403);
  assert.equal((await forOther.json()).errcode, "M_FORBIDDEN");
});

test("media: our federation media endpoints need a signed request; another server's bad media answers are refused and nothing is cached", async () => {
  const viewer = await h.registerOnLattice(lattice, unique("viewer"));
  const auth = { headers: { Authorization: `Bearer ${viewer.access_token}` } };
  const { content_uri: mxc } = await (
    await fetch(`${viewer.baseUrl}/_matrix/media/v3/upload?filename=a.txt`, {
      method: "POST",
      headers: { ...auth.headers, "Content-Type": "text/plain" },
      body: "hello over federation",
    })
  ).json();
  const mediaId = mxc.split("/").pop();

  // Served to a signed request as the spec's two parts; unsigned is 401; bad input is the spec's 4xx.
  const served = await evil.request(lattice, "GET", `/_matrix/federation/v1/media/download/${mediaId}`);
  assert.equal(served.status, 200);
  assert.match(served.body.raw, /Content-Type: application\/json\r\n\r\n\{\}\r\n/);
  assert.match(served.body.raw, /Content-Type: text\/plain\r\nContent-Disposition: attachment; filename="a.txt"[^\r]*\r\n\r\nhello over federation\r\n/);
  const unsigned = await new Promise((resolve, reject) =>
    https
      .get(`${lattice.federationUrl}/_matrix/federation/v1/media/download/${mediaId}`, { ca: readFileSync(evil.tls.ca) }, (r) => {
        r.resume();
        resolve(r.statusCode);
      })
      .on("error", reject),
  );
  assert.equal(unsigned, 401, "no X-Matrix, no media");
  for (const [path, status, errcode] of [
    [`/_matrix/federation/v1/media/download/${enc("../../etc/passwd")}`, 404, "M_NOT_FOUND"],
    [`/_matrix/federation/v1/media/thumbnail/${mediaId}?width=0&height=32`, 400, "M_INVALID_PARAM"],
    [`/_matrix/federation/v1/media/thumbnail/${mediaId}?height=32`, 400, "M_MISSING_PARAM"],
    [`/_matrix/federation/v1/media/thumbnail/${mediaId}?width=32&height=32`, 400, "M_UNKNOWN"],
  ]) {
    const answer = await evil.request(lattice, "GET", path);
    assert.equal(answer.status, status, `${path}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.errcode, errcode, path);
  }

  // The evil server's media: too large, not multipart, one part only; and one only on the pre-v1.11 endpoint.
  const multipart = (parts) => parts.map((p) => `--b\r\n${p}\r\n`).join("") + "--b--\r\n";
  evil.routes.set("/_matrix/federation/v1/media/download/huge", (request, response) => {
    response.writeHead(200, { "Content-Type": "multipart/mixed; boundary=b" });
    response.write("--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b\r\nContent-Type: image/png\r\n\r\n");
    const chunk = Buffer.alloc(1024 * 1024, 7);
    let sent = 0;
    const more = () => {
      while (sent < 60) {
        sent++;
        if (!response.write(chunk)) return response.once("drain", more);
      }
      response.end("\r\n--b--\r\n");
    };
    more();
    response.on("error", () => {});
  });
  evil.routes.set("/_matrix/federation/v1/media/download/flat", (request, response) =>
    response.writeHead(200, { "Content-Type": "image/png" }).end("not multipart"),
  );
  evil.routes.set("/_matrix/federation/v1/media/download/onepart", (request, response) =>
    response.writeHead(200, { "Content-Type": "multipart/mixed; boundary=b" }).end(multipart(["Content-Type: application/json\r\n\r\n{}"])),
  );
  evil.routes.set(`/_matrix/media/v3/download/${evil.serverName}/legacy`, (request, response) =>
    response.writeHead(200, { "Content-Type": "text/plain", "Content-Disposition": "inline; filename=old.txt" }).end("from an old server"),
  );
  const download = (id) => fetch(`${viewer.baseUrl}/_matrix/client/v1/media/download/${evil.serverName}/${id}`, auth);
  for (const [id, status, errcode] of [
    ["huge", 502, "M_TOO_LARGE"],
    ["flat", 502, "M_UNKNOWN"],
    ["onepart", 502, "M_UNKNOWN"],
    ["nothing", 404, "M_NOT_FOUND"],
  ]) {
    const answer = await download(id);
    assert.equal(answer.status, status, id);
    assert.equal((await answer.json()).errcode, errcode, id);
  }
  // A server before v1.11 answers the federation endpoint M_UNRECOGNIZED: the deprecated one is asked instead.
  const legacy = await download("legacy");
  assert.equal(legacy.status, 200);
  assert.equal(await legacy.text(), "from an old server");
  assert.equal(legacy.headers.get("content-type"), "text/plain");

  // Lattice is still healthy and serves its own media.
  const again = await fetch(`${viewer.baseUrl}/_matrix/client/v1/media/download/${lattice.serverName}/${mediaId}`, auth);
  assert.equal(await again.text(), "hello over federation");
});
