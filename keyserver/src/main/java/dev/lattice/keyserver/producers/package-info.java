/** What the keyserver publishes: {@code keyserver.output}, through its outbox. */
package dev.lattice.keyserver.producers;
