/**
 * Ephemeral data shared between services on the {@code ephemeral.*} topics: typing notifications and read receipts.
 * Produced by the services that accept them from clients (syncapi for typing, client-api for receipts) and, later,
 * by the federation-api for other servers' EDUs; consumed by the syncapi and the federation-api.
 */
package dev.lattice.api.ephemeral;
