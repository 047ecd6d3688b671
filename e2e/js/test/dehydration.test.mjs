// Dehydrated devices (MSC3814) through matrix-js-sdk's Rust crypto: alice's client keeps a dehydrated device on the
// server (its Olm account encrypted with a key in her secret storage), so a message bob encrypts while every real
// device of alice is logged out is encrypted for it too; the device alice logs in next rehydrates it, reads its
// to-device messages (/dehydrated_device/{id}/events) and decrypts bob's message. The endpoints' refusals too.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/CryptoEvent.js";
import { BASE_URL, cryptoClient, eventually, loginAgain, register, username } from "./lib.mjs";

const PREFIX = `${BASE_URL}/_matrix/client/unstable/org.matrix.msc3814.v1`;

async function call(method, token, path, body) {
  const response = await fetch(`${PREFIX}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe("dehydrated devices", () => {
  let alice, bob, a, b, rehydrating, secretStorageKey;
  const callbacks = {
    getSecretStorageKey: async ({ keys }) => [Object.keys(keys)[0], secretStorageKey.privateKey],
  };

  before(async () => {
    alice = await register(username("alice"));
    bob = await register(username("bob"));
    a = await cryptoClient(alice, { cryptoCallbacks: callbacks });
    b = await cryptoClient(bob);
  });

  after(() => {
    a?.stopClient();
    b?.stopClient();
    rehydrating?.stopClient();
  });

  test("before alice has one: GET and DELETE answer 404 M_NOT_FOUND, and the js-sdk takes that as supported", async () => {
    const got = await call("GET", alice.access_token, "/dehydrated_device");
    assert.equal(got.status, 404);
    assert.equal(got.body.errcode, "M_NOT_FOUND");
    const deleted = await call("DELETE", alice.access_token, "/dehydrated_device");
    assert.equal(deleted.status, 404);
    assert.equal(deleted.body.errcode, "M_NOT_FOUND");
    assert.equal(await a.getCrypto().isDehydrationSupported(), true);
  });

  test("bad uploads are refused and store nothing: no keys, another device's ID, keys signed by another device", async () => {
    const noKeys = await call("PUT", alice.access_token, "/dehydrated_device", {
      device_id: "DEHYDRATEDX",
      device_data: { algorithm: "test" },
    });
    assert.equal(noKeys.status, 400);
    assert.equal(noKeys.body.errcode, "M_MISSING_PARAM");
    const stolenId = await call("PUT", alice.access_token, "/dehydrated_device", {
      device_id: alice.device_id,
      device_data: { algorithm: "test" },
      device_keys: { user_id: alice.user_id, device_id: alice.device_id, algorithms: [], keys: {}, signatures: {} },
    });
    assert.equal(stolenId.status, 400);
    assert.equal(stolenId.body.errcode, "M_INVALID_PARAM");
    const unsigned = await call("PUT", alice.access_token, "/dehydrated_device", {
      device_id: "DEHYDRATEDY",
      device_data: { algorithm: "test" },
      device_keys: { user_id: alice.user_id, device_id: "DEHYDRATEDY", algorithms: [], keys: {}, signatures: {} },
    });
    assert.equal(unsigned.status, 400);
    assert.equal((await call("GET", alice.access_token, "/dehydrated_device")).status, 404, "nothing stored");
  });

  test("a message bob sends while alice has no device logged in is read by her next device through the dehydrated one", async () => {
    secretStorageKey = await a.getCrypto().createRecoveryKeyFromPassphrase();
    await a.getCrypto().bootstrapCrossSigning({
      authUploadDeviceSigningKeys: async (makeRequest) => {
        await makeRequest({
          type: "m.login.password",
          identifier: { type: "m.id.user", user: alice.user_id },
          password: alice.password,
        });
      },
    });
    await a.getCrypto().bootstrapSecretStorage({
      createSecretStorageKey: async () => secretStorageKey,
      setupNewSecretStorage: true,
    });
    await a.getCrypto().startDehydration({ createNewKey: true });
    const stored = await call("GET", alice.access_token, "/dehydrated_device");
    assert.equal(stored.status, 200);
    const dehydratedId = stored.body.device_id;
    assert.ok(stored.body.device_data, "the device data as uploaded");

    const { room_id: roomId } = await a.createRoom({
      preset: "private_chat",
      invite: [bob.user_id],
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
    });
    await eventually(() => b.getRoom(roomId)?.getMyMembership() === "invite", "bob sees the invite", 30_000, 200);
    await b.joinRoom(roomId);
    await eventually(() => a.getRoom(roomId)?.getMember(bob.user_id)?.membership === "join", "bob joined", 30_000, 200);

    // alice logs out her only real device; bob's crypto then knows of her dehydrated device alone.
    a.stopClient();
    await a.logout(true);
    await eventually(async () => {
      const devices = (await b.getCrypto().getUserDeviceInfo([alice.user_id], true)).get(alice.user_id);
      return devices && [...devices.keys()].join() === dehydratedId;
    }, "bob's crypto sees only alice's dehydrated device", 30_000, 500);
    const sent = await b.sendMessage(roomId, { msgtype: "m.text", body: "while alice was away" });

    const login = await loginAgain(alice, "alice's next device");
    rehydrating = await cryptoClient(login, { cryptoCallbacks: callbacks });
    let rehydrated = false;
    rehydrating.on(CryptoEvent.RehydrationCompleted, () => (rehydrated = true));
    // The new device takes the cross-signing keys from secret storage (which dehydration needs), then rehydrates.
    await eventually(
      async () => (await rehydrating.getCrypto().getCrossSigningStatus()).publicKeysOnDevice,
      "the new device knows alice's public cross-signing keys (/keys/query)",
      30_000,
      250,
    );
    await rehydrating.getCrypto().bootstrapCrossSigning({});
    await rehydrating.getCrypto().startDehydration();
    assert.ok(rehydrated, "the js-sdk rehydrated the device and read its messages");

    const content = await eventually(async () => {
      const event = rehydrating.getRoom(roomId)?.findEventById(sent.event_id);
      if (!event) return undefined;
      await rehydrating.decryptEventIfNeeded(event);
      return event.isDecryptionFailure() ? undefined : event.getContent();
    }, "alice's new device decrypts bob's message", 30_000, 250);
    assert.equal(content.body, "while alice was away");

    // Only her own dehydrated device's messages can be read, and the new one replaced the old one.
    const replaced = await call("GET", login.access_token, "/dehydrated_device");
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.notEqual(replaced.body.device_id, dehydratedId, "the new device made a new dehydrated device");
    const other = await call("GET", bob.access_token, `/dehydrated_device/${encodeURIComponent(replaced.body.device_id)}/events`);
    assert.equal(other.status, 403, JSON.stringify(other.body));
    assert.equal(other.body.errcode, "M_FORBIDDEN");
    const badToken = await call("GET", login.access_token, `/dehydrated_device/${encodeURIComponent(replaced.body.device_id)}/events?from=x`);
    assert.equal(badToken.status, 400);
    assert.equal(badToken.body.errcode, "M_INVALID_PARAM");
  });
});
