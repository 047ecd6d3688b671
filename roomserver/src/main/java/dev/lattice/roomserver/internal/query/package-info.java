/** Reads: rooms, state, memberships, events and their history visibility, client transactions. */
package dev.lattice.roomserver.internal.query;
