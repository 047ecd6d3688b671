/**
 * Input: the PDU pipeline ({@link dev.lattice.roomserver.internal.input.InputPipeline}) that decides each event, and
 * the caller's side that publishes inputs and waits for verdicts.
 */
package dev.lattice.roomserver.internal.input;
