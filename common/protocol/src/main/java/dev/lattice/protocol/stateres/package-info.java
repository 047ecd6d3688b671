/**
 * State resolution v1 (room version 1), v2 (versions 2–11) and v2.1 (version 12, MSC4297), as pure functions over
 * state maps of event IDs and an {@link dev.lattice.protocol.stateres.EventLookup}. Entry point:
 * {@link dev.lattice.protocol.stateres.StateResolution#resolve}.
 */
package dev.lattice.protocol.stateres;
