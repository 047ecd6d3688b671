/** The keyserver's operations: key uploads checked ({@link dev.lattice.keyserver.internal.KeyUpload}), queries and claims ({@link dev.lattice.keyserver.internal.Keys}). */
package dev.lattice.keyserver.internal;
