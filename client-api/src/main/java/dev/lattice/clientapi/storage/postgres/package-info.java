/** The client-api's PostgreSQL tables, one class each, SQL as constants, always schema-qualified. */
package dev.lattice.clientapi.storage.postgres;
