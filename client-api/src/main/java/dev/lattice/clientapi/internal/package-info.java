/**
 * The client-api's logic, one class per operation family ({@link dev.lattice.clientapi.internal.Registration},
 * {@link dev.lattice.clientapi.internal.Sessions}, ...), behind {@link dev.lattice.clientapi.internal.UserApiFacade}
 * for other services. Pure pieces (flows, MACs, rate limits, localparts) have no I/O and are unit-tested alone.
 */
package dev.lattice.clientapi.internal;
