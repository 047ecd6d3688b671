// End-to-end encryption keys through matrix-js-sdk's Rust crypto (the crypto Element Web uses): a device's Olm
// machine uploads its identity and one-time keys, the keyserver accepts its signatures, and another user's crypto
// sees the device and can claim a one-time key signed by it; in an encrypted room both decrypt each other's messages
// (Olm sessions from claimed one-time keys, Megolm room keys over to-device messages); a device logged in later is
// announced through /sync's device_lists.changed and decrypts what is sent next.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, client, clientFor, register, username, startAndWaitPrepared, eventually } from "./lib.mjs";

async function post(token, path, body) {
  const response = await fetch(`${BASE_URL}/_matrix/client/v3${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

describe("encryption keys with the Rust crypto of matrix-js-sdk", () => {
  let alice, bob, a, b, encryptedRoomId, laterClient, restoringClient;

  before(async () => {
    alice = await register(username("alice"));
    bob = await register(username("bob"));
    a = clientFor(alice);
    b = clientFor(bob);
    await a.initRustCrypto({ useIndexedDB: false });
    await b.initRustCrypto({ useIndexedDB: false });
    await startAndWaitPrepared(a);
    await startAndWaitPrepared(b);
  });

  after(() => {
    a?.stopClient();
    b?.stopClient();
    laterClient?.stopClient();
    restoringClient?.stopClient();
  });

  test("the Olm machine's device keys are accepted and another user's crypto sees the device", async () => {
    const own = await a.getCrypto().getOwnDeviceKeys();
    const devices = await eventually(async () => {
      const found = (await b.getCrypto().getUserDeviceInfo([alice.user_id], true)).get(alice.user_id);
      return found?.has(alice.device_id) ? found : undefined;
    }, "bob's crypto knows alice's device", 30_000, 500);
    const device = devices.get(alice.device_id);
    assert.equal(device.userId, alice.user_id);
    assert.equal(device.getIdentityKey(), own.curve25519, "the curve25519 key alice's machine holds");
    assert.ok(device.getFingerprint(), "an ed25519 key");
  });

  test("the machine uploads signed one-time keys that another user can claim, each once", async () => {
    const counts = await eventually(async () => {
      const body = await post(alice.access_token, "/keys/upload", {});
      return body.one_time_key_counts.signed_curve25519 > 0 ? body.one_time_key_counts : undefined;
    }, "alice's machine uploaded one-time keys", 30_000, 500);
    const request = { one_time_keys: { [alice.user_id]: { [alice.device_id]: "signed_curve25519" } } };
    const first = await post(bob.access_token, "/keys/claim", request);
    const second = await post(bob.access_token, "/keys/claim", request);
    const keyOf = (claim) => Object.entries(claim.one_time_keys[alice.user_id][alice.device_id])[0];
    const [firstId, firstKey] = keyOf(first);
    const [secondId] = keyOf(second);
    assert.match(firstId, /^signed_curve25519:/);
    assert.notEqual(secondId, firstId, "a claimed one-time key is never handed out again");
    assert.ok(firstKey.signatures[alice.user_id][`ed25519:${alice.device_id}`], "signed by alice's device");
    const after = await post(alice.access_token, "/keys/upload", {});
    assert.ok(after.one_time_key_counts.signed_curve25519 <= counts.signed_curve25519, "two fewer, or replenished");
  });

  test("an encrypted room: messages each way decrypt on the other side (Olm sessions over to-device, Megolm keys)", async () => {
    const { room_id: roomId } = await a.createRoom({
      preset: "private_chat",
      invite: [bob.user_id],
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
    });
    await eventually(() => b.getRoom(roomId)?.getMyMembership() === "invite", "bob sees the invite", 30_000, 200);
    await b.joinRoom(roomId);
    await eventually(() => a.getRoom(roomId)?.getMember(bob.user_id)?.membership === "join",
      "alice sees bob joined", 30_000, 200);
    assert.ok(await a.getCrypto().isEncryptionEnabledInRoom(roomId), "the room is encrypted for alice's crypto");

    const decryptedBy = async (c, eventId) => eventually(async () => {
      const event = c.getRoom(roomId)?.findEventById(eventId);
      if (!event) return undefined;
      if (event.isBeingDecrypted() || event.isDecryptionFailure()) {
        await c.decryptEventIfNeeded(event);
      }
      return event.isEncrypted() && !event.isDecryptionFailure() ? event.getContent() : undefined;
    }, `event ${eventId} decrypted`, 30_000, 250);

    const fromAlice = await a.sendMessage(roomId, { msgtype: "m.text", body: "secret from alice" });
    assert.equal((await decryptedBy(b, fromAlice.event_id)).body, "secret from alice");
    const fromBob = await b.sendMessage(roomId, { msgtype: "m.text", body: "secret from bob" });
    assert.equal((await decryptedBy(a, fromBob.event_id)).body, "secret from bob");
    // What the server stored is ciphertext.
    const stored = await a.fetchRoomEvent(roomId, fromAlice.event_id);
    assert.equal(stored.type, "m.room.encrypted");
    assert.ok(!JSON.stringify(stored).includes("secret from alice"), "no plaintext on the server");
    encryptedRoomId = roomId;
  });

  test("a device bob logs in later decrypts what alice sends next (alice learns it from device_lists.changed)", async () => {
    assert.ok(encryptedRoomId, "needs the encrypted room of the previous test");
    const login = await client().loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: bob.user_id },
      password: bob.password,
      initial_device_display_name: "bob's second device",
    });
    assert.notEqual(login.device_id, bob.device_id);
    laterClient = clientFor(login);
    await laterClient.initRustCrypto({ useIndexedDB: false });
    await startAndWaitPrepared(laterClient);
    // Alice's crypto must see the new device through /sync's device_lists.changed before it shares the room key.
    const bobsDevices = await eventually(async () => {
      const devices = (await a.getCrypto().getUserDeviceInfo([bob.user_id])).get(bob.user_id);
      return devices?.has(login.device_id) ? devices : undefined;
    }, "alice's crypto knows bob's new device", 30_000, 500);
    assert.equal(bobsDevices.get(login.device_id).displayName, "bob's second device", "unsigned.device_display_name");
    const sent = await a.sendMessage(encryptedRoomId, { msgtype: "m.text", body: "for all of bob's devices" });
    const content = await eventually(async () => {
      const event = laterClient.getRoom(encryptedRoomId)?.findEventById(sent.event_id);
      if (!event) return undefined;
      if (event.isDecryptionFailure()) await laterClient.decryptEventIfNeeded(event);
      return event.isEncrypted() && !event.isDecryptionFailure() ? event.getContent() : undefined;
    }, "bob's new device decrypts it", 30_000, 250);
    assert.equal(content.body, "for all of bob's devices");
  });

  test("a device bob logs out disappears from alice's crypto (its keys deleted, announced in device_lists)", async () => {
    assert.ok(laterClient, "needs bob's second device of the earlier test");
    const gone = laterClient.getDeviceId();
    await laterClient.logout(true);
    laterClient = undefined;
    await eventually(async () => {
      const devices = (await a.getCrypto().getUserDeviceInfo([bob.user_id])).get(bob.user_id);
      return devices && !devices.has(gone) && devices.has(bob.device_id);
    }, "alice's crypto no longer lists bob's logged-out device", 30_000, 500);
  });

  test("cross-signing: alice bootstraps it, her device is cross-signed, bob sees her master key", async () => {
    await a.getCrypto().bootstrapCrossSigning({
      authUploadDeviceSigningKeys: async (makeRequest) => {
        await makeRequest({
          type: "m.login.password",
          identifier: { type: "m.id.user", user: alice.user_id },
          password: alice.password,
        });
      },
    });
    assert.ok(await a.getCrypto().isCrossSigningReady(), "alice's cross-signing is ready");
    // The device signature by the self-signing key went through /keys/signatures/upload and comes back merged.
    await eventually(async () => {
      const status = await a.getCrypto().getDeviceVerificationStatus(alice.user_id, alice.device_id);
      return status?.crossSigningVerified === true;
    }, "alice's device is cross-signed in her own crypto", 30_000, 500);
    const query = await post(bob.access_token, "/keys/query", { device_keys: { [alice.user_id]: [] } });
    const master = query.master_keys[alice.user_id];
    assert.ok(master?.usage.includes("master"), "bob's query shows alice's master key");
    assert.ok(query.self_signing_keys[alice.user_id], "and her self-signing key");
    assert.equal(query.user_signing_keys[alice.user_id], undefined, "but not her user-signing key");
    const own = await post(alice.access_token, "/keys/query", { device_keys: { [alice.user_id]: [] } });
    assert.ok(own.user_signing_keys[alice.user_id], "alice sees her own user-signing key");
    // Replacing the master key needs the password: without auth the server answers with a challenge.
    const replace = await fetch(`${BASE_URL}/_matrix/client/v3/keys/device_signing/upload`, {
      method: "POST",
      headers: { Authorization: `Bearer ${alice.access_token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ master_key: { ...master, keys: { "ed25519:AAAA": "AAAA" } } }),
    });
    assert.equal(replace.status, 401, "a new master key needs user-interactive auth");
    assert.ok((await replace.json()).flows.some((flow) => flow.stages.includes("m.login.password")));
  });

  test("a key backup made by alice's device restores the room's history on a fresh device of hers", async () => {
    assert.ok(encryptedRoomId, "needs the encrypted room of the earlier test");
    const old = await b.sendMessage(encryptedRoomId, { msgtype: "m.text", body: "before the backup" });
    await eventually(async () => {
      const event = a.getRoom(encryptedRoomId)?.findEventById(old.event_id);
      return event && !event.isDecryptionFailure() && event.getContent().body === "before the backup";
    }, "alice decrypts bob's message", 30_000, 250);
    await a.getCrypto().resetKeyBackup();
    const version = await a.getCrypto().getActiveSessionBackupVersion();
    assert.ok(version, "alice's device backs up to a version");
    // The backup engine uploads the room keys alice holds in the background: wait until the server counts them.
    await eventually(async () => {
      const response = await fetch(`${BASE_URL}/_matrix/client/v3/room_keys/version/${version}`, {
        headers: { Authorization: `Bearer ${alice.access_token}` },
      });
      return response.status === 200 && (await response.json()).count > 0;
    }, "room keys in the backup", 30_000, 500);
    const privateKey = await a.getCrypto().getSessionBackupPrivateKey();

    const login = await client().loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: alice.user_id },
      password: alice.password,
    });
    restoringClient = clientFor(login);
    await restoringClient.initRustCrypto({ useIndexedDB: false });
    await startAndWaitPrepared(restoringClient);
    await restoringClient.getCrypto().storeSessionBackupPrivateKey(privateKey, version);
    const restored = await restoringClient.getCrypto().restoreKeyBackup();
    assert.ok(restored.imported > 0, `imported ${restored.imported} of ${restored.total} keys`);
    const room = restoringClient.getRoom(encryptedRoomId);
    await eventually(async () => {
      if (!room.findEventById(old.event_id)) await restoringClient.scrollback(room, 30);
      const event = room.findEventById(old.event_id);
      if (!event) return false;
      if (event.isDecryptionFailure()) await restoringClient.decryptEventIfNeeded(event, { isRetry: true });
      return !event.isDecryptionFailure() && event.getContent().body === "before the backup";
    }, "the fresh device decrypts the old message from the backup", 30_000, 500);
  });
});
