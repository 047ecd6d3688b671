/** What the keyserver consumes: {@code clientapi.output} (deleted devices). */
package dev.lattice.keyserver.consumers;
