/** Rate limits shared by the services: per-key token buckets in process memory. */
package dev.lattice.runtime.ratelimit;
