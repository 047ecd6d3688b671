/** The {@code federationapi} schema on PostgreSQL: one class per table, and the database that spans them. */
package dev.lattice.federationapi.storage.postgres;
