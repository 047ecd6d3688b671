/**
 * Contracts between services. Each service has a sub-package here with its query/perform interfaces, their
 * request and response records, and the records it publishes; no service sees another's implementation.
 */
package dev.lattice.api;
