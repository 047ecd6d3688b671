// Join time into a big room on another server (issue #12): a Lattice user joining a Synapse room of N members, and a
// Synapse user joining a Lattice room of N members. Plain fetch, no SDK, servers from e2e/federation/harness.mjs.
// For each size, the room is filled with N - 1 local members first (not timed), then one user of the other server
// joins by room ID through the room's server, and the clock notes:
//   joined_s   POST /join answered
//   sent_s     then a message sent (PUT .../send answered)
//   usable_s   and the timeline read (/messages answered 200; Synapse holds it back until a partial-state join has
//              the whole state)
//   full_s     the joining server's /joined_members lists all N + 1 members (Synapse joins with partial state when
//              the resident server serves omit_members, and fills the member list in the background)
// Prints one JSON line per size and direction.
//   node bench/federation/join-bench.mjs      (after e2e/federation/install-synapse.sh and a built jar)
//   MEMBERS=1000,5000 CONCURRENCY=8 DIRECTIONS=into-synapse,into-lattice node ...
import * as h from "../../e2e/federation/harness.mjs";
import { call } from "./client.mjs";

const SIZES = (process.env.MEMBERS ?? "1000,5000").split(",").map(Number);
// "into-synapse", "into-lattice" or both (the default)
const DIRECTIONS = (process.env.DIRECTIONS ?? "into-synapse,into-lattice").split(",");
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);

/** Runs `task(i)` for i in [0, n) with CONCURRENCY at once. */
async function pool(n, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < n; i = next++) await task(i);
    }),
  );
}

/** A public room of `members` users of one server (its owner among them); the owner and the set-up seconds. */
async function bigRoom(register, members, tag) {
  const started = performance.now();
  const owner = await register(`${tag}owner`);
  const { room_id: roomId } = await call(owner, "POST", "/_matrix/client/v3/createRoom", { preset: "public_chat" });
  await pool(members - 1, async (i) => {
    const member = await register(`${tag}m${i}`);
    await call(member, "POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {});
  });
  return { owner, roomId, setupS: +((performance.now() - started) / 1000).toFixed(1) };
}

async function joinedCount(account, roomId) {
  try {
    const answer = await call(account, "GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`);
    return Object.keys(answer.joined ?? {}).length;
  } catch {
    return 0;
  }
}

async function timeJoin(direction, joiner, roomId, via, members, setupS) {
  const seconds = (t) => +((t - started) / 1000).toFixed(2);
  const started = performance.now();
  const path = `/_matrix/client/v3/join/${encodeURIComponent(roomId)}?server_name=${encodeURIComponent(via)}`;
  await call(joiner, "POST", path, {});
  const joined = performance.now();
  await call(joiner, "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${Date.now()}`, {
    msgtype: "m.text",
    body: "hello, big room",
  });
  const sent = performance.now();
  // (polled: Lattice answered /messages 403 until its read model had the join before it waited for its read model on
  // a refusal, ReadYourWrites in the syncapi; Synapse holds it back during a partial-state join)
  const messages = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=20`;
  while (!(await call(joiner, "GET", messages).then(() => true, () => false))) {
    if (performance.now() - started > 300_000) throw new Error(`${direction}: no timeline after 5 min`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const usable = performance.now();
  while ((await joinedCount(joiner, roomId)) < members + 1) {
    if (performance.now() - started > 900_000) throw new Error(`${direction}: member list incomplete after 15 min`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const result = {
    direction,
    members,
    setup_s: setupS,
    joined_s: seconds(joined),
    sent_s: seconds(sent),
    usable_s: seconds(usable),
    full_s: seconds(performance.now()),
  };
  console.log(JSON.stringify(result));
  return result;
}

try {
  const dir = h.workDir();
  const tls = h.makeTestCa(dir);
  const pg = await h.startPostgres(dir);
  const [synapse, lattice] = await Promise.all([h.startSynapse(dir, tls, pg), h.startLattice(dir, tls)]);
  for (const members of SIZES) {
    const tag = `n${members}${Date.now().toString(36)}`;
    if (DIRECTIONS.includes("into-synapse")) {
      const onSynapse = await bigRoom((name) => h.registerOnSynapse(synapse, name), members, `s${tag}`);
      const latticeUser = await h.registerOnLattice(lattice, `lj${tag}`);
      await timeJoin("Lattice user into a Synapse room", latticeUser, onSynapse.roomId, synapse.serverName, members, onSynapse.setupS);
    }
    if (DIRECTIONS.includes("into-lattice")) {
      const onLattice = await bigRoom((name) => h.registerOnLattice(lattice, name), members, `l${tag}`);
      const synapseUser = await h.registerOnSynapse(synapse, `sj${tag}`);
      await timeJoin("Synapse user into a Lattice room", synapseUser, onLattice.roomId, lattice.serverName, members, onLattice.setupS);
    }
  }
} finally {
  await h.stopAll();
}
