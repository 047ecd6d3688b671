// Accounts through the real matrix-js-sdk: registration, login, whoami, sync, capabilities, profiles,
// account data, logout, and the error paths a client sees.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  BASE_URL, client, clientFor, register, username, startAndWaitPrepared, expectMatrixError, rawSync,
} from "./lib.mjs";

describe("accounts with matrix-js-sdk", () => {
  let alice, bob; // registration responses
  let aliceClient, bobClient; // started clients
  const started = [];

  before(async () => {
    alice = await register(username("alice"));
    bob = await register(username("bob"));
  });

  after(() => {
    for (const c of started) c.stopClient();
  });

  test("registration returns a user id, an access token and a device", () => {
    for (const account of [alice, bob]) {
      assert.match(account.user_id, new RegExp(`^@${account.username}:`), account.user_id);
      assert.ok(account.access_token, "access_token");
      assert.ok(account.device_id, "device_id");
    }
    assert.notEqual(alice.access_token, bob.access_token);
  });

  test("whoami with the registration token", async () => {
    const me = await clientFor(alice).whoami();
    assert.equal(me.user_id, alice.user_id);
    assert.equal(me.device_id, alice.device_id);
  });

  test("password login via loginRequest and login, then whoami", async () => {
    const c = client();
    const viaRequest = await c.loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: alice.username },
      password: alice.password,
      initial_device_display_name: "e2e loginRequest",
    });
    assert.equal(viaRequest.user_id, alice.user_id);
    assert.ok(viaRequest.access_token);
    assert.notEqual(viaRequest.device_id, alice.device_id, "a new login is a new device");

    const c2 = client();
    const viaLogin = await c2.login("m.login.password", {
      identifier: { type: "m.id.user", user: bob.user_id }, // full MXID works as well as the localpart
      password: bob.password,
    });
    assert.equal(viaLogin.user_id, bob.user_id);
    assert.equal(c2.getUserId(), bob.user_id, "login() sets the client's credentials");
    assert.equal(c2.getAccessToken(), viaLogin.access_token);
    const me = await c2.whoami();
    assert.equal(me.user_id, bob.user_id);
    assert.equal(me.device_id, viaLogin.device_id);
  });

  test("both clients start and reach PREPARED (push rules from the server)", async () => {
    aliceClient = clientFor(alice);
    bobClient = clientFor(bob);
    started.push(aliceClient, bobClient);
    await Promise.all([startAndWaitPrepared(aliceClient), startAndWaitPrepared(bobClient)]);
    assert.ok(aliceClient.pushRules?.global, "the SDK holds the server's push rules");
    assert.ok(["PREPARED", "SYNCING"].includes(aliceClient.getSyncState()), aliceClient.getSyncState());
    assert.ok(["PREPARED", "SYNCING"].includes(bobClient.getSyncState()), bobClient.getSyncState());
    // and the raw /sync gives a next_batch that can be resumed from
    const first = await rawSync(alice.access_token);
    assert.equal(typeof first.next_batch, "string");
    const second = await rawSync(alice.access_token, first.next_batch);
    assert.equal(typeof second.next_batch, "string");
  });

  test("GET /pushrules/: the server-default rules, with the user's own localpart", async () => {
    const response = await fetch(new URL("/_matrix/client/v3/pushrules/", BASE_URL), {
      headers: { Authorization: `Bearer ${alice.access_token}` },
    });
    assert.equal(response.status, 200);
    const rules = (await response.json()).global;
    assert.equal(rules.override[0]?.rule_id, ".m.rule.master", "the master rule comes first");
    assert.equal(rules.override[0]?.enabled, false, "and is off by default");
    const userName = rules.content.find((r) => r.rule_id === ".m.rule.contains_user_name");
    assert.equal(userName?.pattern, alice.username);
    assert.ok(rules.underride.some((r) => r.rule_id === ".m.rule.message"), "underride .m.rule.message");
  });

  test("getCapabilities", async () => {
    const caps = await clientFor(alice).getCapabilities();
    assert.equal(typeof caps, "object");
    assert.ok(caps["m.room_versions"], `m.room_versions in ${JSON.stringify(caps)}`);
    assert.ok(caps["m.room_versions"].default, "a default room version");
    assert.equal(typeof caps["m.room_versions"].available, "object");
    assert.ok(caps["m.room_versions"].available[caps["m.room_versions"].default], "the default is available");
    if (caps["m.change_password"]) assert.equal(typeof caps["m.change_password"].enabled, "boolean");
  });

  test("set a displayname and read it back with getProfileInfo", async () => {
    const c = aliceClient ?? clientFor(alice);
    await c.setDisplayName("Alice in E2E land");
    const mine = await c.getProfileInfo(alice.user_id);
    assert.equal(mine.displayname, "Alice in E2E land");
    const seenByBob = await clientFor(bob).getProfileInfo(alice.user_id, "displayname");
    assert.equal(seenByBob.displayname, "Alice in E2E land");
  });

  test("account data: set and get from the server", async () => {
    const type = "dev.lattice.e2e.settings";
    const content = { theme: "dark", n: 42, nested: { ok: true } };
    await clientFor(alice).setAccountDataRaw(type, content);
    assert.deepEqual(await clientFor(alice).getAccountDataFromServer(type), content);
    // another user's account data is not visible
    assert.equal(await clientFor(bob).getAccountDataFromServer(type), null);
    // and overwriting replaces it
    await clientFor(alice).setAccountDataRaw(type, { theme: "light" });
    assert.deepEqual(await clientFor(alice).getAccountDataFromServer(type), { theme: "light" });
  });

  test("account data arrives through /sync (setAccountData on a running client)", async () => {
      const type = "dev.lattice.e2e.synced";
      const content = { via: "sync" };
      // setAccountData on a running client resolves only once the update comes back down /sync
      await withTimeout(aliceClient.setAccountData(type, content), 10_000, "setAccountData echo through /sync");
      assert.deepEqual(aliceClient.getAccountData(type)?.getContent(), content);
      const raw = await rawSync(alice.access_token);
      assert.ok(raw.account_data?.events?.some((e) => e.type === type), "account_data in a raw initial /sync");
    });

  test("logout makes the token fail with M_UNKNOWN_TOKEN", async () => {
    const c = client();
    const session = await c.loginWithPassword(bob.user_id, bob.password);
    const loggedIn = clientFor(session);
    assert.equal((await loggedIn.whoami()).user_id, bob.user_id);
    await loggedIn.logout(true);
    await expectMatrixError(clientFor(session).whoami(), "M_UNKNOWN_TOKEN", 401);
    // the other sessions of the same user are untouched
    assert.equal((await clientFor(bob).whoami()).user_id, bob.user_id);
  });

  test("wrong password is M_FORBIDDEN", async () => {
    await expectMatrixError(client().loginWithPassword(alice.username, "not the password"), "M_FORBIDDEN", 403);
  });

  test("a taken username is M_USER_IN_USE", async () => {
    await expectMatrixError(
      client().registerRequest({ username: alice.username, password: "whatever-else", auth: { type: "m.login.dummy" } }),
      "M_USER_IN_USE", 400);
    // and the UIA path ends the same way
    await expectMatrixError(register(alice.username), "M_USER_IN_USE", 400);
  });

  test("an invalid username is M_INVALID_USERNAME", async () => {
    for (const bad of ["has spaces", "colon:in", "ünicode"]) {
      await expectMatrixError(register(bad), "M_INVALID_USERNAME", 400);
    }
  });
});

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]);
}
