/** What the client-api publishes: one producer per topic it owns. */
package dev.lattice.clientapi.producers;
