/** What the roomserver consumes: {@code roomserver.input} (the pipeline) and {@code roomserver.verdicts} (replies). */
package dev.lattice.roomserver.consumers;
