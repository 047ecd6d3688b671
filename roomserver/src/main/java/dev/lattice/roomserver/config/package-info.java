/** The roomserver's configuration properties. */
package dev.lattice.roomserver.config;
