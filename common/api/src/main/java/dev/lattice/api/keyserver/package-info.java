/**
 * The contract of the keyserver service: its query/perform interfaces, their records, and what it publishes.
 */
package dev.lattice.api.keyserver;
