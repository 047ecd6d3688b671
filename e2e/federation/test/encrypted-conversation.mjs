// An encrypted conversation between users of two servers, seen through matrix-js-sdk's Rust crypto on each side.
// Each side claims the other's one-time keys over federation (/user/keys/claim), shares its Megolm room key in
// Olm-encrypted to-device messages (m.direct_to_device EDUs) and finds the other's devices through /user/keys/query or
// /user/devices. A device logged in later on either server is announced to the other (m.device_list_update, then
// device_lists.changed to the clients) and decrypts what is sent next.
import assert from "node:assert/strict";
import { clientOf, decrypted, eventually, loginAgain, membership } from "./clients.mjs";

/** alice (of one server) invites bob (of another) to an encrypted room; everything above is asserted. */
export async function encryptedConversation(alice, bob) {
  const aliceClient = await clientOf(alice, { crypto: true });
  const bobClient = await clientOf(bob, { crypto: true });

  const { room_id: roomId } = await aliceClient.createRoom({
    preset: "private_chat",
    invite: [bob.user_id],
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
  });
  await eventually(() => membership(bobClient, roomId, bob.user_id) === "invite", "the invite on the second server");
  await bobClient.joinRoom(roomId);
  await eventually(() => membership(aliceClient, roomId, bob.user_id) === "join", "the join on the first server");
  await eventually(
    () => bobClient.getCrypto().isEncryptionEnabledInRoom(roomId),
    "the second server's client sees an encrypted room (the joined room's state reached it)",
  );

  // Each side finds the other's device, with the identity key that device's machine holds.
  const bobsDevices = await eventually(async () => {
    const found = (await aliceClient.getCrypto().getUserDeviceInfo([bob.user_id], true)).get(bob.user_id);
    return found?.has(bob.device_id) ? found : undefined;
  }, "alice's client finds bob's device");
  assert.equal(
    bobsDevices.get(bob.device_id).getIdentityKey(),
    (await bobClient.getCrypto().getOwnDeviceKeys()).curve25519,
  );
  const alicesDevices = await eventually(async () => {
    const found = (await bobClient.getCrypto().getUserDeviceInfo([alice.user_id], true)).get(alice.user_id);
    return found?.has(alice.device_id) ? found : undefined;
  }, "bob's client finds alice's device");
  assert.equal(
    alicesDevices.get(alice.device_id).getIdentityKey(),
    (await aliceClient.getCrypto().getOwnDeviceKeys()).curve25519,
  );

  const fromAlice = [];
  const fromBob = [];
  for (let i = 0; i < 5; i++) {
    fromAlice.push((await aliceClient.sendMessage(roomId, { msgtype: "m.text", body: `alice's secret ${i}` })).event_id);
    fromBob.push((await bobClient.sendMessage(roomId, { msgtype: "m.text", body: `bob's secret ${i}` })).event_id);
  }
  for (let i = 0; i < 5; i++) {
    assert.equal((await decrypted(bobClient, roomId, fromAlice[i])).body, `alice's secret ${i}`);
    assert.equal((await decrypted(aliceClient, roomId, fromBob[i])).body, `bob's secret ${i}`);
  }
  const stored = await aliceClient.fetchRoomEvent(roomId, fromBob[0]);
  assert.equal(stored.type, "m.room.encrypted", "the first server stored the second's message as ciphertext");

  // bob logs in on a second device: his server announces it to alice's, her client shares the next room key with it.
  const bobPhone = await clientOf(await loginAgain(bob, "bob's phone"), { crypto: true });
  await eventually(async () => {
    const found = (await aliceClient.getCrypto().getUserDeviceInfo([bob.user_id])).get(bob.user_id);
    return found?.has(bobPhone.getDeviceId());
  }, "alice's client learns of bob's new device");
  await eventually(() => bobPhone.getRoom(roomId), "bob's new device has the room");
  const laterFromAlice = await aliceClient.sendMessage(roomId, { msgtype: "m.text", body: "for both of bob's devices" });
  assert.equal((await decrypted(bobPhone, roomId, laterFromAlice.event_id)).body, "for both of bob's devices");
  assert.equal((await decrypted(bobClient, roomId, laterFromAlice.event_id)).body, "for both of bob's devices");

  // alice logs in on a second device: her server announces it to bob's, his client shares its next room key with it.
  const alicePhone = await clientOf(await loginAgain(alice, "alice's phone"), { crypto: true });
  await eventually(async () => {
    const found = (await bobClient.getCrypto().getUserDeviceInfo([alice.user_id])).get(alice.user_id);
    return found?.has(alicePhone.getDeviceId());
  }, "bob's client learns of alice's new device");
  await eventually(() => alicePhone.getRoom(roomId), "alice's new device has the room");
  const laterFromBob = await bobClient.sendMessage(roomId, { msgtype: "m.text", body: "for both of alice's devices" });
  assert.equal((await decrypted(alicePhone, roomId, laterFromBob.event_id)).body, "for both of alice's devices");
  assert.equal((await decrypted(aliceClient, roomId, laterFromBob.event_id)).body, "for both of alice's devices");
}
