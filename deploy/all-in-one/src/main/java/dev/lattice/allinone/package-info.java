/**
 * The all-in-one deployment: every service in one JVM, with embedded PostgreSQL and Kafka under the data
 * directory unless external ones are configured, and the {@code lattice} command line.
 */
package dev.lattice.allinone;
