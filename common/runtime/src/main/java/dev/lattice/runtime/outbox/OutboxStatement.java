package dev.lattice.runtime.outbox;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;

/**
 * The outbox rows of one statement that writes them itself, handed out by {@link Outbox#inStatement}: the statement
 * has {@link Outbox#statementPart} among its {@code WITH} parts, binds the records with {@link #bind} and reports the
 * {@code seq}s that part returned with {@link #written}.
 */
public final class OutboxStatement {
    private final List<OutboxRecord> records;
    private final OutboxWriter writer;
    private final long createdTs = System.currentTimeMillis();

    OutboxStatement(List<OutboxRecord> records, OutboxWriter writer) {
        this.records = List.copyOf(records);
        this.writer = requireNonNull(writer, "writer is null");
    }

    /** Binds the records to the parameters of {@link Outbox#statementPart}. */
    public GenericExecuteSpec bind(GenericExecuteSpec spec) {
        return OutboxTable.bindPart(spec, records, createdTs);
    }

    /**
     * Reports the {@code outbox_seq}s the statement part returned, in ascending order: one per record, or none when
     * its gate had no row (nothing was written).
     *
     * @throws IllegalArgumentException when there are some, but not one per record
     */
    public void written(List<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        if (seqs.size() != records.size()) {
            throw new IllegalArgumentException(seqs.size() + " outbox rows written for " + records.size() + " records");
        }
        Map<String, List<Long>> byKey = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            byKey.computeIfAbsent(records.get(i).key(), key -> new ArrayList<>())
                    .add(seqs.get(i));
        }
        writer.noteWritten(records, byKey);
    }
}
