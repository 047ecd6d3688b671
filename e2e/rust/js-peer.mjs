// The other user of the Rust sliding-sync test (see README.md): a real matrix-js-sdk client (the one of e2e/js, and
// its helpers, so its answers are checked against the spec as in that suite), driven over stdin/stdout.
//
// One JSON object per line in: {"cmd": "...", ...arguments}. One JSON object per line out, for each command in turn:
// {"ok": true, ...result} or {"ok": false, "error": "..."}. Nothing else is written to stdout; diagnostics go to stderr.
//
//   {"cmd":"register","prefix":"bob"}                     → {user_id, device_id}  and starts the client (/v3/sync,
//                                                            the Rust crypto in memory)
//   {"cmd":"create_room","name":"…","encrypted":false}      → {room_id}
//   {"cmd":"invite","room":"!…","user":"@…"}               → {}
//   {"cmd":"send","room":"!…","text":"…"}                  → {event_id}
//   {"cmd":"send_many","room":"!…","prefix":"p","count":30} → {event_ids}  ("p 0" … "p 29", one after the other)
//   {"cmd":"wait_read_up_to","room":"!…","user":"@…","event":"$…"} → {}  once bob's client has the user's receipt there
//   {"cmd":"wait_member","room":"!…","user":"@…"}          → {}  once bob's client has the user as joined
//   {"cmd":"typing","room":"!…","typing":true}             → {}
//   {"cmd":"receipt","room":"!…","event":"$…"}             → {}  (a public m.read receipt)
//   {"cmd":"wait_message","room":"!…","sender":"@…","text":"…","timeout_ms":15000}
//                                                          → {event_id, body, in_reply_to, encrypted}  once bob's
//                                                            client has it (decrypted)
//   {"cmd":"quit"}                                         → {}  then exits
import { createInterface } from "node:readline";

// stdout carries the answers only: some of the SDK's logging goes to console.log whatever lib.mjs sets its logger to.
// With LATTICE_E2E_SDK_LOG set all of it goes to stderr; otherwise only warnings and errors do.
const toStderr = (...args) => process.stderr.write(args.map(String).join(" ") + "\n");
const quiet = () => {};
console.log = console.info = console.debug = console.trace = process.env.LATTICE_E2E_SDK_LOG ? toStderr : quiet;
console.warn = console.error = toStderr;
import { sdk, register, clientFor, startAndWaitPrepared, username, eventually } from "../js/test/lib.mjs";

let client;
let account;

function requireClient() {
  if (!client) throw new Error("not registered yet (send a register command first)");
  return client;
}

const commands = {
  async register({ prefix = "bob" }) {
        account = await register(username(prefix));
    client = clientFor(account);
    await client.initRustCrypto({ useIndexedDB: false }); // so that bob can write in encrypted rooms
    await startAndWaitPrepared(client);
    return { user_id: account.user_id, device_id: account.device_id };
  },
    async create_room({ name, encrypted = false }) {
    const initial_state = encrypted
      ? [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }]
      : [];
    const { room_id } = await requireClient().createRoom({ preset: "private_chat", name, initial_state });
    return { room_id };
  },
  async invite({ room, user }) {
    await requireClient().invite(room, user);
    return {};
  },
  async send({ room, text }) {
    const { event_id } = await requireClient().sendTextMessage(room, text);
    return { event_id };
  },
  async send_many({ room, prefix, count }) {
    const ids = [];
    for (let i = 0; i < count; i++) ids.push((await requireClient().sendTextMessage(room, `${prefix} ${i}`)).event_id);
    return { event_ids: ids };
  },
  async wait_read_up_to({ room, user, event, timeout_ms = 15_000 }) {
    const c = requireClient();
    await eventually(() => c.getRoom(room)?.getEventReadUpTo(user) === event, `${user}'s receipt on ${event}`, timeout_ms);
    return {};
  },
  async wait_member({ room, user, timeout_ms = 15_000 }) {
    const c = requireClient();
    await eventually(() => c.getRoom(room)?.getMember(user)?.membership === "join", `${user} joined in ${room}`, timeout_ms);
    return {};
  },
  async typing({ room, typing }) {
    await requireClient().sendTyping(room, Boolean(typing), 30_000);
    return {};
  },
  async receipt({ room, event }) {
    const c = requireClient();
    // The SDK's sendReadReceipt wants a MatrixEvent; the room's timeline has it once /sync delivered it.
    const found = await eventually(() => c.getRoom(room)?.findEventById(event), `event ${event} in bob's client`);
    await c.sendReadReceipt(found, sdk.ReceiptType.Read);
    return {};
  },
  async wait_message({ room, sender, text, timeout_ms = 15_000 }) {
    const c = requireClient();
    const found = await eventually(
      () =>
        c
          .getRoom(room)
          ?.getLiveTimeline()
          .getEvents()
          .find((e) => e.getType() === "m.room.message" && e.getSender() === sender && e.getContent().body?.includes(text)),
      `a message from ${sender} containing ${JSON.stringify(text)} in ${room}`,
      timeout_ms,
    );
    return {
      event_id: found.getId(),
      body: found.getContent().body,
            in_reply_to: found.getContent()["m.relates_to"]?.["m.in_reply_to"]?.event_id ?? null,
      encrypted: found.isEncrypted(),
    };
  },
  async quit() {
    client?.stopClient();
    return {};
  },
};

function answer(value) {
  process.stdout.write(JSON.stringify(value) + "\n");
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    answer({ ok: false, error: `not JSON: ${e.message}` });
    continue;
  }
  const handler = commands[request.cmd];
  if (!handler) {
    answer({ ok: false, error: `unknown command ${JSON.stringify(request.cmd)}` });
    continue;
  }
  try {
    answer({ ok: true, ...(await handler(request)) });
  } catch (e) {
    const detail = e instanceof sdk.MatrixError ? ` (${e.httpStatus} ${e.errcode})` : "";
    answer({ ok: false, error: `${e.message}${detail}` });
  }
  if (request.cmd === "quit") break;
}
client?.stopClient();
process.exit(0);
