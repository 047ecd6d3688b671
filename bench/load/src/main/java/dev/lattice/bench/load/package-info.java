/**
 * A load tool for a running Lattice (or any Matrix homeserver with Synapse's shared-secret registration): see
 * {@code bench/load/README.md}. Pure pieces ({@link dev.lattice.bench.load.LoadOptions},
 * {@link dev.lattice.bench.load.OpenLoopSchedule}, {@link dev.lattice.bench.load.RoomLayout},
 * {@link dev.lattice.bench.load.Percentiles}, {@link dev.lattice.bench.load.DeliveryLedger}) are apart from the HTTP
 * and thread work ({@link dev.lattice.bench.load.MatrixClient}, {@link dev.lattice.bench.load.LoadRun}).
 */
package dev.lattice.bench.load;
