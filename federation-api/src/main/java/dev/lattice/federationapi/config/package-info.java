/** The federation-api's configuration properties. */
package dev.lattice.federationapi.config;
