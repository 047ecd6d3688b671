/** The syncapi's storage interface and the records it returns; the design is in {@code syncapi/README.md}. */
package dev.lattice.syncapi.storage;
