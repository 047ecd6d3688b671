// What the federation suites share: js-sdk clients on any server, and waiting for what they show.
import * as sdk from "../../js/node_modules/matrix-js-sdk/lib/index.js";
import { logger } from "../../js/node_modules/matrix-js-sdk/lib/logger.js";
import { eventually as poll } from "../../js/test/eventually.mjs";
import { validatingFetch } from "../../js/test/spec.mjs";

logger.setLevel(process.env.LATTICE_E2E_SDK_LOG || "silent");

/** Federation takes a hop or two more than one server: a minute before giving up. */
export const eventually = (check, what, ms = 60_000) => poll(check, what, ms, 200);

const clients = [];

/** Stops every client clientOf started. */
export function stopClients() {
  clients.splice(0).forEach((c) => c.stopClient());
}

export function unique(prefix) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
}

/**
 * A started js-sdk client of the account, synced once; with `{ crypto: true }` it runs the Rust crypto (the Olm
 * machine Element uses) in memory. A Lattice account's client checks every answer against the spec's OpenAPI
 * (e2e/js/test/spec.mjs); Synapse's answers are taken as they come.
 */
export async function clientOf(account, { crypto = false } = {}) {
  const c = sdk.createClient({
    baseUrl: account.baseUrl,
    accessToken: account.access_token,
    userId: account.user_id,
    deviceId: account.device_id,
    ...(account.lattice ? { fetchFn: validatingFetch } : {}),
  });
  clients.push(c);
  if (crypto) await c.initRustCrypto({ useIndexedDB: false });
  const prepared = new Promise((resolve) => {
    c.on(sdk.ClientEvent.Sync, (state) => {
      if (state === "PREPARED") resolve();
    });
  });
  await c.startClient({ initialSyncLimit: 10 });
  await prepared;
  return c;
}

/** The bodies of the messages in the client's live timeline of the room, oldest first. */
export function bodies(client, roomId) {
  const room = client.getRoom(roomId);
  if (!room) return [];
  return room
    .getLiveTimeline()
    .getEvents()
    .filter((e) => e.getType() === "m.room.message")
    .map((e) => e.getContent().body);
}

/** Scrolls the client's live timeline of the room back until the server has nothing older. */
export async function scrollToStart(client, roomId) {
  const room = client.getRoom(roomId);
  for (let pages = 0; pages < 50; pages++) {
    const timeline = room.getLiveTimeline();
    if (!timeline.getPaginationToken("b")) return;
    await client.scrollback(room, 20);
  }
  throw new Error("still paginating after 50 pages");
}

export function membership(client, roomId, userId) {
  return client.getRoom(roomId)?.getMember(userId)?.membership;
}


/** A second device of the account: a password login on its server. */
export async function loginAgain(account, displayName) {
  const response = await fetch(`${account.baseUrl}/_matrix/client/v3/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: account.user_id },
      password: account.password,
      initial_device_display_name: displayName,
    }),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(body)}`);
  return { ...account, access_token: body.access_token, device_id: body.device_id };
}

/** The event's decrypted content once the client could decrypt it, polling until it can. */
export async function decrypted(client, roomId, eventId, what) {
  return eventually(async () => {
    const event = client.getRoom(roomId)?.findEventById(eventId);
    if (!event) return undefined;
    if (event.isBeingDecrypted() || event.isDecryptionFailure()) await client.decryptEventIfNeeded(event);
    return event.isEncrypted() && !event.isDecryptionFailure() ? event.getContent() : undefined;
  }, what ?? `${client.getUserId()} decrypts ${eventId}`);
}
