/**
 * The contract of the federation-api service: its query/perform interfaces, their records, and what it publishes.
 */
package dev.lattice.api.federationapi;
