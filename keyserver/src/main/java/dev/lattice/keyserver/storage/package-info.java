/** The keyserver's storage: {@link dev.lattice.keyserver.storage.KeyserverDatabase} and its PostgreSQL tables. */
package dev.lattice.keyserver.storage;
