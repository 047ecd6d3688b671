/**
 * The authorization rules of every room version, as pure functions of (rules, event, state lookup):
 * {@link dev.lattice.protocol.auth.AuthEventsCheck} (the listed auth events), {@link dev.lattice.protocol.auth.AuthCheck}
 * (the rules against a state), {@link dev.lattice.protocol.auth.AuthEventsSelection} (which auth events a new event
 * lists) and {@link dev.lattice.protocol.auth.RedactionAuthority} (whether a redaction is applied). Signature checks
 * the rules need come in through {@link dev.lattice.protocol.auth.AuthVerifiers}. The order in which a received PDU
 * goes through them is in the module's README.
 */
package dev.lattice.protocol.auth;
