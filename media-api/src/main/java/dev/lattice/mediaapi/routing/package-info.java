/** The content repository's HTTP endpoints: each handler decodes, makes one call, and encodes. */
package dev.lattice.mediaapi.routing;
