/** The client-api's configuration, {@code lattice.client-api.*}. */
package dev.lattice.clientapi.config;
