/** PostgreSQL for every service: one schema per service, Flyway migrations at start-up, R2DBC at run time. */
package dev.lattice.runtime.db;
