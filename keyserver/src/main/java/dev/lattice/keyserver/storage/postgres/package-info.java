/** The keyserver's tables in schema {@code keyserver}, one class each. */
package dev.lattice.keyserver.storage.postgres;
