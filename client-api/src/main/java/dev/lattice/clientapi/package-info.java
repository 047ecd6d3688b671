/**
 * The client-server API (/_matrix/client/**) and /.well-known/matrix/*: accounts, devices, profiles, account data, filters, aliases and the room directory.
 */
package dev.lattice.clientapi;
