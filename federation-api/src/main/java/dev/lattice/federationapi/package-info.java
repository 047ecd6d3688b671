/**
 * The server-server API (/_matrix/federation/**, /_matrix/key/**): the server signing keys, and in time all inbound and outbound federation.
 */
package dev.lattice.federationapi;
