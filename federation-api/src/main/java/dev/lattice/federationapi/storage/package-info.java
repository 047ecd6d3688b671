/** The federation-api's storage: {@link dev.lattice.federationapi.storage.FederationApiDatabase}, on PostgreSQL in {@code postgres}. */
package dev.lattice.federationapi.storage;
