/**
 * The contract of the client-api service: its query/perform interfaces, their records, and what it publishes.
 */
package dev.lattice.api.clientapi;
