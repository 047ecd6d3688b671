/**
 * The client-api's storage: {@link dev.lattice.clientapi.storage.ClientApiDatabase} holds the operations that span
 * tables and their transactions; {@code postgres} holds one class per table. See the module README for the design.
 */
package dev.lattice.clientapi.storage;
