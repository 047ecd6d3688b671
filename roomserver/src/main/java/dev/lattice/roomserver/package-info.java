/**
 * The room DAG: events, state snapshots, current state, forward extremities, membership. Internal only.
 */
package dev.lattice.roomserver;
