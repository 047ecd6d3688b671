/** What the federation-api consumes: {@code roomserver.output} (our users' events, queued for other servers). */
package dev.lattice.federationapi.consumers;
