package dev.lattice.federationapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.storage.FederationApiDatabase;
import dev.lattice.federationapi.storage.Queued;
import dev.lattice.federationapi.storage.StoredKeyResponse;
import dev.lattice.federationapi.storage.StoredVerifyKey;
import dev.lattice.protocol.federation.ServerKeyResponse;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.runtime.db.Database;
import java.util.List;
import java.util.Optional;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link FederationApiDatabase} on PostgreSQL. */
public final class PostgresFederationApiDatabase implements FederationApiDatabase {
    private final ServerSigningKeysTable keys;
    private final ServerKeyResponsesTable responses;
    private final ReceivedTransactionsTable receivedTransactions;
    private final OutboundTable outboundPdus;
    private final OutboundTable outboundEdus;
    private final TransactionalOperator transactions;

    public PostgresFederationApiDatabase(Database database) {
        DatabaseClient client = requireNonNull(database, "database is null").client();
        this.keys = new ServerSigningKeysTable(client);
        this.responses = new ServerKeyResponsesTable(client);
        this.receivedTransactions = new ReceivedTransactionsTable(client);
        this.outboundPdus = OutboundTable.pdus(client);
        this.outboundEdus = OutboundTable.edus(client);
        this.transactions = TransactionalOperator.create(new R2dbcTransactionManager(client.getConnectionFactory()));
    }

    @Override
    public Mono<Void> storeKeyResponse(ServerKeyResponse response, long fetchedTs, ServerName fetchedFrom) {
        String server = response.serverName().value();
        Mono<Void> write = Flux.concat(
                        Flux.fromIterable(response.verifyKeys().values())
                                .concatMap(key -> keys.upsert(server, key, false, fetchedTs)),
                        Flux.fromIterable(response.oldVerifyKeys().values())
                                .concatMap(key -> keys.upsert(server, key, true, fetchedTs)),
                        responses.upsert(
                                server,
                                CanonicalJson.encodeToString(response.json()),
                                response.validUntilTs(),
                                fetchedTs,
                                fetchedFrom.value()))
                .then();
        return transactions.transactional(write);
    }

    @Override
    public Mono<Optional<StoredVerifyKey>> selectVerifyKey(ServerName server, KeyId keyId) {
        return keys.select(server.value(), keyId);
    }

    @Override
    public Mono<Optional<StoredKeyResponse>> selectKeyResponse(ServerName server) {
        return responses.select(server.value());
    }

    @Override
    public Mono<Optional<String>> receivedTransaction(ServerName origin, String txnId) {
        return receivedTransactions.select(origin.value(), txnId);
    }

    @Override
    public Mono<Void> storeReceivedTransaction(ServerName origin, String txnId, String responseJson, long receivedTs) {
        return receivedTransactions.insert(origin.value(), txnId, responseJson, receivedTs);
    }

    @Override
    public Mono<Void> queuePdu(List<ServerName> destinations, String eventId, String pduJson, long queuedTs) {
        return transactions.transactional(
                outboundPdus.insert(destinations.stream().map(ServerName::value).toList(), eventId, pduJson, queuedTs));
    }

    @Override
    public Mono<List<Queued>> queuedPdus(ServerName destination, int limit) {
        return outboundPdus.selectOldest(destination.value(), limit);
    }

    @Override
    public Mono<Void> deleteQueuedPdus(ServerName destination, long upToSeq) {
        return outboundPdus.deleteUpTo(destination.value(), upToSeq);
    }

    @Override
    public Mono<Void> queueEdu(List<ServerName> destinations, String key, String eduJson, long queuedTs) {
        return outboundEdus.insert(destinations.stream().map(ServerName::value).toList(), key, eduJson, queuedTs);
    }

    @Override
    public Mono<List<Queued>> queuedEdus(ServerName destination, int limit) {
        return outboundEdus.selectOldest(destination.value(), limit);
    }

    @Override
    public Mono<Void> deleteQueuedEdus(ServerName destination, long upToSeq) {
        return outboundEdus.deleteUpTo(destination.value(), upToSeq);
    }

    @Override
    public Mono<List<ServerName>> queuedDestinations() {
        return Flux.concat(outboundPdus.selectDestinations(), outboundEdus.selectDestinations())
                .flatMapIterable(names -> names)
                .distinct()
                .map(ServerName::parse)
                .collectList();
    }
}
