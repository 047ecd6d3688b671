/**
 * Shared spec types: the {@link dev.lattice.protocol.spec.ErrorCode} catalogue (errcode plus default HTTP status)
 * and {@link dev.lattice.protocol.spec.MatrixException}, which the single HTTP error handler renders.
 */
package dev.lattice.protocol.spec;
