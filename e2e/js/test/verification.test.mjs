// Encryption as two people with two devices each see it, through matrix-js-sdk's Rust crypto: 50 messages each way in
// an encrypted room, every one decrypted on every one of the four devices; then, with cross-signing bootstrapped on
// both users, alice's device verifies bob's by SAS emoji over to-device messages: both sides show the same seven
// emoji, both confirm, both requests reach Done, and each side then counts the other as verified (alice also trusts
// bob's cross-signing identity, her user-signing key's signature on his master key having gone through
// /keys/signatures/upload).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/CryptoEvent.js";
import { VerificationPhase, VerifierEvent } from "matrix-js-sdk/lib/crypto-api/verification.js";
import { cryptoClient, eventually, loginAgain, register, username } from "./lib.mjs";

const MESSAGES = 50;

function bootstrapCrossSigning(c, account) {
  return c.getCrypto().bootstrapCrossSigning({
    authUploadDeviceSigningKeys: async (makeRequest) => {
      await makeRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: account.user_id },
        password: account.password,
      });
    },
  });
}

/** Resolves once the request's phase is `phase`. */
function phase(request, wanted, what) {
  return eventually(() => request.phase === wanted, what, 30_000, 100);
}

describe("two users with two devices each", () => {
  let alice, bob, a1, a2, b1, b2;
  const clients = [];

  before(async () => {
    alice = await register(username("alice"));
    bob = await register(username("bob"));
    const aliceTwo = await loginAgain(alice, "alice's laptop");
    const bobTwo = await loginAgain(bob, "bob's laptop");
    [a1, a2, b1, b2] = await Promise.all([alice, aliceTwo, bob, bobTwo].map((account) => cryptoClient(account)));
    clients.push(a1, a2, b1, b2);
  });

  after(() => clients.forEach((c) => c.stopClient()));

  test(`${MESSAGES} messages each way decrypt on all four devices`, async () => {
    const { room_id: roomId } = await a1.createRoom({
      preset: "private_chat",
      invite: [bob.user_id],
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
    });
    await eventually(() => b1.getRoom(roomId)?.getMyMembership() === "invite", "bob sees the invite", 30_000, 200);
    await b1.joinRoom(roomId);
    for (const c of clients) {
      await eventually(() => c.getRoom(roomId)?.getMember(bob.user_id)?.membership === "join", "bob joined", 30_000, 200);
    }
    // Each sender's crypto must know all four devices before the first room key goes out.
    for (const [sender, user] of [[a1, bob], [b1, alice]]) {
      await eventually(async () => {
        const devices = (await sender.getCrypto().getUserDeviceInfo([user.user_id], true)).get(user.user_id);
        return devices?.size === 2;
      }, `${sender.getUserId()} knows both of ${user.user_id}'s devices`, 30_000, 250);
    }

    const sent = [];
    for (let i = 0; i < MESSAGES; i++) {
      const [fromAlice, fromBob] = await Promise.all([
        a1.sendMessage(roomId, { msgtype: "m.text", body: `alice ${i}` }),
        b1.sendMessage(roomId, { msgtype: "m.text", body: `bob ${i}` }),
      ]);
      sent.push([fromAlice.event_id, `alice ${i}`], [fromBob.event_id, `bob ${i}`]);
    }
    for (const c of clients) {
      const undecrypted = await eventually(async () => {
        const room = c.getRoom(roomId);
        if (!room) return undefined;
        const missing = [];
        for (const [eventId, body] of sent) {
          const event = room.findEventById(eventId);
          if (event?.isDecryptionFailure()) await c.decryptEventIfNeeded(event);
          if (!event || event.isDecryptionFailure() || event.getContent().body !== body) missing.push(body);
        }
        return missing.length === 0 ? missing : undefined;
      }, `all ${sent.length} messages decrypted on ${c.getUserId()} ${c.getDeviceId()}`, 60_000, 500);
      assert.deepEqual(undecrypted, []);
    }
  });

  test("alice's device verifies bob's by SAS emoji over to-device messages; both sides end verified", async () => {
    await bootstrapCrossSigning(a1, alice);
    await bootstrapCrossSigning(b1, bob);
    // each side must see the other's cross-signing keys before the verification can sign them
    await eventually(
      async () => (await a1.getCrypto().getUserDeviceInfo([bob.user_id], true)).get(bob.user_id)?.has(bob.device_id),
      "alice's crypto knows bob's device",
      30_000,
      250,
    );
    assert.equal(
      (await a1.getCrypto().getUserVerificationStatus(bob.user_id)).isCrossSigningVerified(),
      false,
      "before the verification alice does not trust bob's identity",
    );

    const received = new Promise((resolve) => b1.on(CryptoEvent.VerificationRequestReceived, resolve));
    const aliceRequest = await a1.getCrypto().requestDeviceVerification(bob.user_id, bob.device_id);
    const bobRequest = await received;
    assert.equal(bobRequest.otherUserId, alice.user_id);
    await bobRequest.accept();
    await phase(aliceRequest, VerificationPhase.Ready, "alice sees bob accept");

    const shown = { alice: undefined, bob: undefined };
    const aliceVerifier = await aliceRequest.startVerification("m.sas.v1");
    aliceVerifier.on(VerifierEvent.ShowSas, (sas) => {
      shown.alice = sas.sas.emoji.map(([emoji]) => emoji);
      sas.confirm();
    });
    const aliceDone = aliceVerifier.verify();
    await eventually(() => bobRequest.verifier, "bob's side starts the SAS", 30_000, 100);
    bobRequest.verifier.on(VerifierEvent.ShowSas, (sas) => {
      shown.bob = sas.sas.emoji.map(([emoji]) => emoji);
      sas.confirm();
    });
    await Promise.all([aliceDone, bobRequest.verifier.verify()]);

    assert.equal(shown.alice.length, 7, "seven emoji");
    assert.deepEqual(shown.bob, shown.alice, "both sides showed the same emoji");
    await phase(aliceRequest, VerificationPhase.Done, "alice's request done");
    await phase(bobRequest, VerificationPhase.Done, "bob's request done");
    const bobsDevice = await a1.getCrypto().getDeviceVerificationStatus(bob.user_id, bob.device_id);
    assert.ok(bobsDevice.isVerified(), "alice counts bob's device as verified");
    const alicesDevice = await b1.getCrypto().getDeviceVerificationStatus(alice.user_id, alice.device_id);
    assert.ok(alicesDevice.isVerified(), "bob counts alice's device as verified");
    await eventually(
      async () => (await a1.getCrypto().getUserVerificationStatus(bob.user_id)).isCrossSigningVerified(),
      "alice trusts bob's cross-signing identity",
      30_000,
      250,
    );
  });
});
