/** The syncapi's HTTP routes: decode the request, make one call into {@code internal}, encode the answer. */
package dev.lattice.syncapi.routing;
