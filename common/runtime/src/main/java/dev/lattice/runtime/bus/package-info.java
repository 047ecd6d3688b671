/**
 * The Kafka bus: topic creation, durable publishing, and at-least-once consumers that park poison records.
 * Kafka clients are used directly: reactor-kafka is discontinued (announced 2025-05-20; removed from the Reactor BOM).
 */
package dev.lattice.runtime.bus;
