/** The syncapi's storage on PostgreSQL (schema {@code syncapi}): one class per table, and the database over them. */
package dev.lattice.syncapi.storage.postgres;
