/**
 * The HTTP edge every service shares: route registration with the spec's unknown-route answers, the one error
 * renderer, strict JSON bodies, CORS and the split between client and federation listeners.
 */
package dev.lattice.runtime.http;
