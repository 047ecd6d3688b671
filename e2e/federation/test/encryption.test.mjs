// End-to-end encryption between a Lattice user and a real Synapse's user, both ways (encrypted-conversation.mjs says
// what is asserted).
import { after, before, test } from "node:test";
import * as h from "../harness.mjs";
import { stopClients, unique } from "./clients.mjs";
import { encryptedConversation } from "./encrypted-conversation.mjs";

let synapse;
let lattice;

before(async () => {
  ({ synapse, lattice } = await h.synapseAndLattice());
});

after(async () => {
  stopClients();
  await h.stopAll();
});

test("a Lattice user and a Synapse user in an encrypted room decrypt each other, and devices logged in later decrypt what follows", async () => {
  await encryptedConversation(
    await h.registerOnLattice(lattice, unique("lisa")),
    await h.registerOnSynapse(synapse, unique("sam")),
  );
});

test("the same with the room on Synapse: a Synapse user invites a Lattice user", async () => {
  await encryptedConversation(
    await h.registerOnSynapse(synapse, unique("sid")),
    await h.registerOnLattice(lattice, unique("lou")),
  );
});
