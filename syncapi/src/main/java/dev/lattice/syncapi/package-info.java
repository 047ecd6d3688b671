/**
 * The client read model: /sync, sliding sync, /messages and the other read endpoints.
 */
package dev.lattice.syncapi;
