/**
 * The contract of the appservice-api service: its query/perform interfaces, their records, and what it publishes.
 */
package dev.lattice.api.appserviceapi;
