/** One consumer per topic the syncapi reads: {@code roomserver.output} so far. */
package dev.lattice.syncapi.consumers;
