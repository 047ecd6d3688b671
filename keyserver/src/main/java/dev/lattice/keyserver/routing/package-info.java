/** The keyserver's client routes. */
package dev.lattice.keyserver.routing;
