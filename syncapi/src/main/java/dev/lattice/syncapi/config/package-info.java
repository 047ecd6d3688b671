/** The syncapi's configuration properties. */
package dev.lattice.syncapi.config;
