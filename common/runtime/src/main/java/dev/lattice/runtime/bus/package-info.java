/**
 * The Kafka bus: topic creation, durable publishing, and at-least-once consumers that park poison records.
 * Kafka clients are used directly (reactor-kafka is discontinued, STACK.md).
 */
package dev.lattice.runtime.bus;
