/**
 * The contract of the syncapi service: its query/perform interfaces, their records, and what it publishes.
 */
package dev.lattice.api.syncapi;
