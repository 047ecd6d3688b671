/**
 * The HTTP edge every service shares: route registration with the spec's unknown-route answers (and HEAD wherever
 * GET is served), the one error renderer, strict JSON bodies, CORS, the legacy {@code r0} prefix as an alias of
 * {@code v3}, and the split between client and federation listeners.
 */
package dev.lattice.runtime.http;
