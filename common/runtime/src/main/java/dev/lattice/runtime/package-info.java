/** Spring plumbing every Lattice service shares; see DESIGN.md §2. */
package dev.lattice.runtime;
