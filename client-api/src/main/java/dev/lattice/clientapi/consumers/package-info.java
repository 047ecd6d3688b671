/** The client-api's bus consumers: {@link dev.lattice.clientapi.consumers.RevokedTokensConsumer}. */
package dev.lattice.clientapi.consumers;
