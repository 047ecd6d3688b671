/** Spring plumbing every Lattice service shares; see docs/architecture.md §2. */
package dev.lattice.runtime;
