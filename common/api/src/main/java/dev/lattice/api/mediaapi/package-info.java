/**
 * The contract of the media-api service: its query/perform interfaces, their records, and what it publishes.
 */
package dev.lattice.api.mediaapi;
