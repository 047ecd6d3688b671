// Lattice and a real Synapse in one room, both ways, seen through real matrix-js-sdk clients on each side.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as h from "../harness.mjs";
import { bodies, clientOf, eventually, membership, stopClients, unique } from "./clients.mjs";
import { png, pngSize } from "../../js/test/png.mjs";

let synapse;
let lattice;

before(async () => {
  ({ synapse, lattice } = await h.synapseAndLattice());
});

after(async () => {
  stopClients();
  await h.stopAll();
});

test("a Lattice user joins a Synapse room by alias and another by room ID; 100 messages each way arrive once, in the same order", async () => {
  const sam = await h.registerOnSynapse(synapse, unique("sam"));
  const lisa = await h.registerOnLattice(lattice, unique("lisa"));
  const leo = await h.registerOnLattice(lattice, unique("leo"));
  const samClient = await clientOf(sam);
  const lisaClient = await clientOf(lisa);

  const alias = unique("hq");
  const { room_id: roomId } = await samClient.createRoom({ preset: "public_chat", room_alias_name: alias, name: "Synapse HQ" });
  await lisaClient.joinRoom(`#${alias}:${synapse.serverName}`);
  const leoClient = await clientOf(leo);
  await leoClient.joinRoom(roomId, { viaServers: [synapse.serverName] });

  await eventually(() => membership(samClient, roomId, lisa.user_id) === "join", "Synapse to see the join by alias");
  await eventually(() => membership(samClient, roomId, leo.user_id) === "join", "Synapse to see the join by room ID");
  await eventually(() => lisaClient.getRoom(roomId)?.name === "Synapse HQ", "the room's name on Lattice");

  const sent = [];
  for (let i = 0; i < 100; i++) {
    const body = `from synapse ${i}`;
    await samClient.sendTextMessage(roomId, body);
    sent.push(body);
  }
  await eventually(() => bodies(lisaClient, roomId).length >= 100, "Synapse's messages on Lattice");
  for (let i = 0; i < 100; i++) {
    const body = `from lattice ${i}`;
    await lisaClient.sendTextMessage(roomId, body);
    sent.push(body);
  }
  await eventually(() => bodies(samClient, roomId).length >= 200, "Lattice's messages on Synapse");
  await eventually(() => bodies(lisaClient, roomId).length >= 200, "Lattice's own messages on Lattice");

  assert.deepEqual(bodies(samClient, roomId), sent, "Synapse shows every message once, in order");
  assert.deepEqual(bodies(lisaClient, roomId), sent, "Lattice shows every message once, in order");
  await eventually(() => bodies(leoClient, roomId).length >= 200, "the second Lattice user's timeline");
  assert.deepEqual(bodies(leoClient, roomId), sent);
});

test("a Synapse user invited to a Lattice room joins; name, topic, redactions, kick, ban, unban and rejoin cross both ways", async () => {
  const lina = await h.registerOnLattice(lattice, unique("lina"));
  const sid = await h.registerOnSynapse(synapse, unique("sid"));
  const linaClient = await clientOf(lina);
  const sidClient = await clientOf(sid);

  const { room_id: roomId } = await linaClient.createRoom({ preset: "private_chat", name: "Lattice room" });
  await linaClient.invite(roomId, sid.user_id);
  await eventually(() => membership(sidClient, roomId, sid.user_id) === "invite", "the invite on Synapse");
  await sidClient.joinRoom(roomId);
  await eventually(() => membership(linaClient, roomId, sid.user_id) === "join", "Synapse's join on Lattice");
  await eventually(() => sidClient.getRoom(roomId)?.name === "Lattice room", "the room's name on Synapse");

  await linaClient.setRoomName(roomId, "Renamed on Lattice");
  await linaClient.setRoomTopic(roomId, "a topic from Lattice");
  await eventually(() => sidClient.getRoom(roomId)?.name === "Renamed on Lattice", "the new name on Synapse");
  await eventually(
    () => sidClient.getRoom(roomId)?.currentState.getStateEvents("m.room.topic", "")?.getContent().topic === "a topic from Lattice",
    "the topic on Synapse",
  );
  await sidClient.setRoomTopic(roomId, "a topic from Synapse").catch(() => {
    // members below the topic level may not set it: Lattice's private_chat gives everyone 0 and topic 50
  });

  const { event_id: fromSid } = await sidClient.sendTextMessage(roomId, "regrettable");
  await eventually(() => bodies(linaClient, roomId).includes("regrettable"), "Synapse's message on Lattice");
  await linaClient.redactEvent(roomId, fromSid);
  await eventually(() => sidClient.getRoom(roomId)?.findEventById(fromSid)?.isRedacted(), "the redaction on Synapse");

  const { event_id: fromLina } = await linaClient.sendTextMessage(roomId, "my own mistake");
  await eventually(() => sidClient.getRoom(roomId)?.findEventById(fromLina), "Lattice's message on Synapse");
  await linaClient.redactEvent(roomId, fromLina);
  await eventually(() => sidClient.getRoom(roomId)?.findEventById(fromLina)?.isRedacted(), "Lattice's own redaction on Synapse");

  await linaClient.setPowerLevel(roomId, sid.user_id, 50);
  await eventually(
    () => sidClient.getRoom(roomId)?.currentState.getStateEvents("m.room.power_levels", "")?.getContent().users?.[sid.user_id] === 50,
    "the power levels on Synapse",
  );
  await sidClient.setRoomTopic(roomId, "a topic from Synapse");
  await eventually(
    () => linaClient.getRoom(roomId)?.currentState.getStateEvents("m.room.topic", "")?.getContent().topic === "a topic from Synapse",
    "Synapse's topic on Lattice",
  );

  await linaClient.kick(roomId, sid.user_id, "kicked");
  await eventually(() => membership(sidClient, roomId, sid.user_id) === "leave", "the kick on Synapse");
  await linaClient.ban(roomId, sid.user_id, "banned");
  await eventually(() => membership(linaClient, roomId, sid.user_id) === "ban", "the ban on Lattice");
  await linaClient.unban(roomId, sid.user_id);
  await linaClient.invite(roomId, sid.user_id);
  await eventually(() => membership(sidClient, roomId, sid.user_id) === "invite", "the second invite on Synapse");
  await sidClient.joinRoom(roomId);
  await eventually(() => membership(linaClient, roomId, sid.user_id) === "join", "the rejoin on Lattice");
  await sidClient.sendTextMessage(roomId, "back again");
  await eventually(() => bodies(linaClient, roomId).includes("back again"), "the rejoined user's message on Lattice");
});

test("a Lattice user invited from Synapse sees the invite with the room's name, joins through the inviter, and rejects a second invite", async () => {
  const syd = await h.registerOnSynapse(synapse, unique("syd"));
  const lia = await h.registerOnLattice(lattice, unique("lia"));
  const sydClient = await clientOf(syd);
  const liaClient = await clientOf(lia);

  const { room_id: roomId } = await sydClient.createRoom({ preset: "private_chat", name: "Invited from Synapse" });
  await sydClient.invite(roomId, lia.user_id);
  await eventually(() => membership(liaClient, roomId, lia.user_id) === "invite", "the invite on Lattice");
  await eventually(() => liaClient.getRoom(roomId)?.name === "Invited from Synapse", "the invited room's name on Lattice");
  await liaClient.joinRoom(roomId); // no via: the inviter's server
  await eventually(() => membership(sydClient, roomId, lia.user_id) === "join", "the join on Synapse");
  await sydClient.sendTextMessage(roomId, "welcome");
  await eventually(() => bodies(liaClient, roomId).includes("welcome"), "Synapse's message on Lattice");

  const { room_id: other } = await sydClient.createRoom({ preset: "private_chat", name: "Declined" });
  await sydClient.invite(other, lia.user_id);
  await eventually(() => membership(liaClient, other, lia.user_id) === "invite", "the second invite on Lattice");
  await liaClient.leave(other);
  await eventually(() => membership(sydClient, other, lia.user_id) === "leave", "the rejection on Synapse");
  await eventually(() => membership(liaClient, other, lia.user_id) !== "invite", "the invite gone on Lattice");
});

test("each server's room directory is browsed from the other: a Lattice client explores Synapse's, a Synapse client Lattice's", async () => {
  const sal = await h.registerOnSynapse(synapse, unique("sal"));
  const lena = await h.registerOnLattice(lattice, unique("lena"));
  const salClient = await clientOf(sal);
  const lenaClient = await clientOf(lena);
  const onSynapse = unique("Synapse lounge ");
  const onLattice = unique("Lattice lounge ");
  await salClient.createRoom({ preset: "public_chat", visibility: "public", name: onSynapse, topic: "published on Synapse" });
  await lenaClient.createRoom({ preset: "public_chat", visibility: "public", name: onLattice, topic: "published on Lattice" });

  const names = (answer) => answer.chunk.map((room) => room.name);
  const synapseSeenFromLattice = await lenaClient.publicRooms({ server: synapse.serverName, limit: 100 });
  assert.ok(names(synapseSeenFromLattice).includes(onSynapse), JSON.stringify(synapseSeenFromLattice));
  assert.ok(!names(synapseSeenFromLattice).includes(onLattice), "Lattice's own rooms are not Synapse's");
  const latticeSeenFromSynapse = await salClient.publicRooms({ server: lattice.serverName, limit: 100 });
  assert.ok(names(latticeSeenFromSynapse).includes(onLattice), JSON.stringify(latticeSeenFromSynapse));
  const room = latticeSeenFromSynapse.chunk.find((r) => r.name === onLattice);
  assert.equal(room.topic, "published on Lattice");
  assert.equal(room.num_joined_members, 1);

  const searched = await lenaClient.publicRooms({ server: synapse.serverName, filter: { generic_search_term: onSynapse } });
  assert.deepEqual(names(searched), [onSynapse], "the search term reaches Synapse");
});

test("a Synapse user knocks on a Lattice room (make_knock/send_knock); the member sees it, invites, and the knocker joins", async () => {
  const lara = await h.registerOnLattice(lattice, unique("lara"));
  const sven = await h.registerOnSynapse(synapse, unique("sven"));
  const laraClient = await clientOf(lara);
  const svenClient = await clientOf(sven);
  const { room_id: roomId } = await laraClient.createRoom({
    preset: "private_chat",
    room_version: "10",
    name: "Knock here",
    initial_state: [{ type: "m.room.join_rules", state_key: "", content: { join_rule: "knock" } }],
  });

  await svenClient.knockRoom(roomId, { viaServers: [lattice.serverName], reason: "let me in" });
  await eventually(() => membership(laraClient, roomId, sven.user_id) === "knock", "the knock on Lattice");
  const knock = laraClient.getRoom(roomId).getMember(sven.user_id).events.member;
  assert.equal(knock.getContent().reason, "let me in");
  await eventually(() => svenClient.getRoom(roomId)?.getMyMembership() === "knock", "the knock in the knocker's client");
  await eventually(() => svenClient.getRoom(roomId)?.name === "Knock here", "the room's name from knock_room_state");

  await laraClient.invite(roomId, sven.user_id);
  await eventually(() => svenClient.getRoom(roomId)?.getMyMembership() === "invite", "the invite on Synapse");
  await svenClient.joinRoom(roomId);
  await eventually(() => membership(laraClient, roomId, sven.user_id) === "join", "the knocker joined");
});

test("a Lattice user knocks on a Synapse room: the member sees the knock, the knocker's client the room; invited, it joins", async () => {
  const sara = await h.registerOnSynapse(synapse, unique("sara"));
  const leon = await h.registerOnLattice(lattice, unique("leon"));
  const saraClient = await clientOf(sara);
  const leonClient = await clientOf(leon);
  const { room_id: roomId } = await saraClient.createRoom({
    preset: "private_chat",
    room_version: "10",
    name: "Knock on Synapse",
    initial_state: [{ type: "m.room.join_rules", state_key: "", content: { join_rule: "knock" } }],
  });

  await leonClient.knockRoom(roomId, { viaServers: [synapse.serverName], reason: "hello from Lattice" });
  await eventually(() => membership(saraClient, roomId, leon.user_id) === "knock", "the knock on Synapse");
  assert.equal(saraClient.getRoom(roomId).getMember(leon.user_id).events.member.getContent().reason, "hello from Lattice");
  await eventually(() => leonClient.getRoom(roomId)?.getMyMembership() === "knock", "the knock in the knocker's client");
  await eventually(() => leonClient.getRoom(roomId)?.name === "Knock on Synapse", "the room's name from knock_room_state");

  await saraClient.invite(roomId, leon.user_id);
  await eventually(() => leonClient.getRoom(roomId)?.getMyMembership() === "invite", "the invite on Lattice");
  await leonClient.joinRoom(roomId);
  await eventually(() => membership(saraClient, roomId, leon.user_id) === "join", "the knocker joined");
});

test("presence crosses both ways: a status set on Lattice shows on Synapse, one set on Synapse on Lattice", async () => {
  const sue = await h.registerOnSynapse(synapse, unique("sue"));
  const pia = await h.registerOnLattice(lattice, unique("pia"));
  const sueClient = await clientOf(sue);
  const piaClient = await clientOf(pia);
  const { room_id: roomId } = await sueClient.createRoom({ preset: "public_chat", name: "Who is around" });
  await piaClient.joinRoom(roomId, { viaServers: [synapse.serverName] });
  await eventually(() => membership(sueClient, roomId, pia.user_id) === "join", "Synapse to see the join");

  await piaClient.setPresence({ presence: "unavailable", status_msg: "out for lunch" });
  await eventually(
    () => sueClient.getUser(pia.user_id)?.presenceStatusMsg === "out for lunch",
    "the Lattice user's status on Synapse",
  );
  await sueClient.setPresence({ presence: "online", status_msg: "back at my desk" });
  await eventually(
    () => piaClient.getUser(sue.user_id)?.presenceStatusMsg === "back at my desk",
    "the Synapse user's status on Lattice",
  );
  assert.equal(piaClient.getUser(sue.user_id).presence, "online");
});

test("pictures cross both ways: each side downloads the other's image and a thumbnail through its own server", async () => {
  const lara = await h.registerOnLattice(lattice, unique("lara"));
  const saul = await h.registerOnSynapse(synapse, unique("saul"));
  const laraClient = await clientOf(lara);
  const saulClient = await clientOf(saul);
  const { room_id: roomId } = await laraClient.createRoom({ preset: "private_chat", name: "Pictures" });
  await laraClient.invite(roomId, saul.user_id);
  await eventually(() => membership(saulClient, roomId, saul.user_id) === "invite", "the invite on Synapse");
  await saulClient.joinRoom(roomId);
  await eventually(() => membership(laraClient, roomId, saul.user_id) === "join", "Synapse's join on Lattice");

  // Each image is uploaded to its own server and sent as m.image, as Element sends pictures.
  async function sendImage(client, image, name) {
    const { content_uri: mxc } = await client.uploadContent(image, { name, type: "image/png" });
    const { width: w, height: hgt } = pngSize(image);
    const { event_id: eventId } = await client.sendMessage(roomId, {
      msgtype: "m.image",
      body: name,
      url: mxc,
      info: { mimetype: "image/png", size: image.length, w, h: hgt },
    });
    return { mxc, eventId };
  }
  async function fetchMedia(client, account, url, ...thumbnail) {
    const http = thumbnail.length
      ? client.mxcUrlToHttp(url, ...thumbnail, false, true, true)
      : client.mxcUrlToHttp(url, undefined, undefined, undefined, false, true, true);
    const response = await fetch(http, { headers: { Authorization: `Bearer ${account.access_token}` } });
    return { status: response.status, type: response.headers.get("content-type"), bytes: Buffer.from(await response.arrayBuffer()) };
  }

  // Synapse's picture, fetched by Lattice over federation (GET /_matrix/federation/v1/media/download) and cached.
  const fromSynapse = png(400, 300);
  const sent = await sendImage(saulClient, fromSynapse, "from-synapse.png");
  const seen = await eventually(() => laraClient.getRoom(roomId)?.findEventById(sent.eventId), "Synapse's m.image on Lattice");
  assert.equal(seen.getContent().url, sent.mxc);
  const downloaded = await fetchMedia(laraClient, lara, sent.mxc);
  assert.equal(downloaded.status, 200);
  assert.equal(downloaded.type, "image/png");
  assert.deepEqual(downloaded.bytes, fromSynapse, "Lattice serves Synapse's exact bytes");
  const thumb = await fetchMedia(laraClient, lara, sent.mxc, 96, 96, "crop");
  assert.equal(thumb.status, 200);
  assert.deepEqual(pngSize(thumb.bytes), { width: 96, height: 96 }, "Lattice thumbnails Synapse's picture");

  // Lattice's picture, fetched by Synapse from Lattice's federation media endpoints.
  const fromLattice = png(320, 160);
  const ours = await sendImage(laraClient, fromLattice, "from-lattice.png");
  const arrived = await eventually(() => saulClient.getRoom(roomId)?.findEventById(ours.eventId), "Lattice's m.image on Synapse");
  assert.equal(arrived.getContent().url, ours.mxc);
  const onSynapse = await fetchMedia(saulClient, saul, ours.mxc);
  assert.equal(onSynapse.status, 200);
  assert.equal(onSynapse.type, "image/png");
  assert.deepEqual(onSynapse.bytes, fromLattice, "Synapse serves Lattice's exact bytes");
  const synapseThumb = await fetchMedia(saulClient, saul, ours.mxc, 32, 32, "crop");
  assert.equal(synapseThumb.status, 200);
  assert.match(synapseThumb.type, /^image\//);
  assert.ok(synapseThumb.bytes.length > 0 && synapseThumb.bytes.length < fromLattice.length, "a thumbnail of Lattice's picture on Synapse");

  // Media neither server has: 404 M_NOT_FOUND on each side.
  for (const [client, account, server] of [[laraClient, lara, synapse.serverName], [saulClient, saul, lattice.serverName]]) {
    const missing = await fetchMedia(client, account, `mxc://${server}/doesNotExist${Date.now()}`);
    assert.equal(missing.status, 404, `missing media of ${server}`);
    assert.equal(JSON.parse(missing.bytes.toString()).errcode, "M_NOT_FOUND");
  }
});
