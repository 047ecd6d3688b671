/**
 * The contract of the roomserver service: its query/perform interfaces, their records, and what it publishes.
 */
package dev.lattice.api.roomserver;
