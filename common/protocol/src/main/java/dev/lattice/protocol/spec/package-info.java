/** Spec-wide types: the catalogue of error codes and the exception that carries one to the HTTP edge. */
package dev.lattice.protocol.spec;
