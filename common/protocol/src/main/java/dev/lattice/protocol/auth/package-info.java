/**
 * The authorization rules of every room version, as pure functions of (rules, event, state lookup).
 */
package dev.lattice.protocol.auth;
