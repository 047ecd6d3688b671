// Shared helpers for the end-to-end tests: real matrix-js-sdk clients against a running Lattice.
import { randomBytes } from "node:crypto";
import * as sdk from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";
import { validatingFetch } from "./spec.mjs";

logger.setLevel(process.env.LATTICE_E2E_SDK_LOG || "silent");

export const BASE_URL = process.env.LATTICE_BASE_URL;
if (!BASE_URL) throw new Error("LATTICE_BASE_URL is not set (run the suite through e2e/js/run.sh)");

export { sdk };

/** A unique, valid localpart for this test run. */
export function username(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

/** A js-sdk client whose every JSON answer is checked against the spec's OpenAPI (spec.mjs). */
export function client(opts = {}) {
  return sdk.createClient({ baseUrl: BASE_URL, fetchFn: validatingFetch, ...opts });
}

/** Registers through the user-interactive flow: a first request for the session, then m.login.dummy. */
export async function register(name, password = "correct horse battery staple") {
  const c = client();
  const request = { username: name, password, initial_device_display_name: "lattice-e2e" };
  let session;
  try {
    const done = await c.registerRequest(request);
    throw new Error(`registration completed without user-interactive auth: ${JSON.stringify(done)}`);
  } catch (e) {
    if (!(e instanceof sdk.MatrixError) || e.httpStatus !== 401 || !e.data?.session) throw e;
    const flows = e.data.flows ?? [];
    if (!flows.some((f) => f.stages?.length === 1 && f.stages[0] === "m.login.dummy")) {
      throw new Error(`no m.login.dummy flow offered: ${JSON.stringify(flows)}`);
    }
    session = e.data.session;
  }
  const response = await c.registerRequest({ ...request, auth: { type: "m.login.dummy", session } });
  return { ...response, password, username: name };
}

/** A client that is logged in as the given registration response (not started). */
export function clientFor(account, opts = {}) {
  return client({ userId: account.user_id, accessToken: account.access_token, deviceId: account.device_id, ...opts });
}

/** Starts the client and resolves once its first sync is PREPARED; rejects on ERROR or after `ms`. */
export async function startAndWaitPrepared(c, ms = 30_000, startOpts = { initialSyncLimit: 20 }) {
  const prepared = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      c.removeListener(sdk.ClientEvent.Sync, onSync);
      reject(new Error(`sync did not reach PREPARED within ${ms} ms (state ${c.getSyncState()})`));
    }, ms);
    function onSync(state, _prev, data) {
      if (state === sdk.SyncState.Prepared || state === sdk.SyncState.Syncing) {
        clearTimeout(timer);
        c.removeListener(sdk.ClientEvent.Sync, onSync);
        resolve(state);
      } else if (state === sdk.SyncState.Error) {
        clearTimeout(timer);
        c.removeListener(sdk.ClientEvent.Sync, onSync);
        reject(new Error(`sync failed: ${data?.error?.message ?? state}`));
      }
    }
    c.on(sdk.ClientEvent.Sync, onSync);
  });
  await c.startClient(startOpts);
  return prepared;
}

/** Asserts that `promise` rejects with a MatrixError of the given errcode (and HTTP status, if given). */
export async function expectMatrixError(promise, errcode, httpStatus) {
  try {
    const value = await promise;
    throw new Error(`expected ${errcode}, got success: ${JSON.stringify(value)}`);
  } catch (e) {
    if (!(e instanceof sdk.MatrixError)) throw e;
    if (e.errcode !== errcode) throw new Error(`expected ${errcode}, got ${e.errcode} (${e.httpStatus}): ${e.message}`);
    if (httpStatus !== undefined && e.httpStatus !== httpStatus) {
      throw new Error(`expected HTTP ${httpStatus} with ${errcode}, got ${e.httpStatus}`);
    }
    return e;
  }
}

/** One raw GET /sync, outside the SDK, so duplicates are not hidden by its timelines. */
export async function rawSync(accessToken, since, timeoutMs = 0, filter) {
  const url = new URL("/_matrix/client/v3/sync", BASE_URL);
  if (since) url.searchParams.set("since", since);
  url.searchParams.set("timeout", String(timeoutMs));
  if (filter) url.searchParams.set("filter", typeof filter === "string" ? filter : JSON.stringify(filter));
  const response = await validatingFetch(url.toString(), { headers: { Authorization: `Bearer ${accessToken}` } });
  const body = await response.json();
  if (!response.ok) throw new Error(`/sync answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

export { eventually } from "./eventually.mjs";

/**
 * Two new users in a new private room: alice created it and invited bob, who joined. Clients not started.
 * @returns {{alice, bob, a, b, roomId}}
 */
export async function roomOfTwo(name) {
  const alice = await register(username("alice"));
  const bob = await register(username("bob"));
  const a = clientFor(alice);
  const b = clientFor(bob);
  const { room_id: roomId } = await a.createRoom({ preset: "private_chat", name });
  await a.invite(roomId, bob.user_id);
  await b.joinRoom(roomId);
  return { alice, bob, a, b, roomId };
}

/** A started client of the account with the Rust crypto (in memory), synced once. */
export async function cryptoClient(account, opts = {}) {
  const c = clientFor(account, opts);
  await c.initRustCrypto({ useIndexedDB: false });
  await startAndWaitPrepared(c);
  return c;
}

/** Another device of the account: a password login, answered as a registration is (user_id, access_token, ...). */
export async function loginAgain(account, displayName) {
  const login = await client().loginRequest({
    type: "m.login.password",
    identifier: { type: "m.id.user", user: account.user_id },
    password: account.password,
    initial_device_display_name: displayName,
  });
  return { ...account, access_token: login.access_token, device_id: login.device_id };
}
