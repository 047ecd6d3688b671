package dev.lattice.protocol.bench;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.UnpaddedBase64;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.EventHashing;
import dev.lattice.protocol.event.EventSigning;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.event.Redaction;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The protocol's hot path on a typical event: a signed {@code m.room.message} in a version 10 room with a formatted
 * body, a relation, 3 prev events and 3 auth events (about 1 KB of canonical JSON).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProtocolBenchmark {
    private RoomVersionRules rules;
    private byte[] bytes;
    private JsonObject event;
    private Function<EventSigning.ServerKeyId, Optional<VerifyKey>> keys;
    private VerifyKey verifyKey;
    private byte[] signedBytes;
    private byte[] signature;

    @Setup
    public void setUp() {
        rules = RoomVersionRules.V10;
        SigningKey key = SigningKey.generate("bench");
        JsonObject content = CanonicalJson.parseObject("""
                {"msgtype":"m.text","body":"Hello everyone! Here is the agenda for today's meeting: 1. review of the \
                release, 2. the new federation tests, 3. anything else. Café ☕ at 10:00 🎉",
                "format":"org.matrix.custom.html","formatted_body":"<p>Hello everyone! Here is the <b>agenda</b> for \
                today's meeting:</p><ol><li>review of the release</li><li>the new federation tests</li><li>anything \
                else</li></ol><p>Café ☕ at 10:00 🎉</p>","m.mentions":{"user_ids":["@bob:example.org"]},
                "m.relates_to":{"m.in_reply_to":{"event_id":"$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"}}}""");
        event = EventBuilder.forVersion(rules).type("m.room.message").sender(UserId.parse("@alice:example.org"))
                .roomId(RoomId.parse("!OGEhHVWSdvArJzumhm:matrix.org")).content(content)
                .prevEvents(List.of(EventId.parse("$CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o"),
                        EventId.parse("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"),
                        EventId.parse("$RrGxF28UrHLmoASHndYb9Jb_1SFww2ptmtur9INS438")))
                .authEvents(List.of(EventId.parse("$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                        EventId.parse("$bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
                        EventId.parse("$ccccccccccccccccccccccccccccccccccccccccccc")))
                .depth(123_456).originServerTs(1_700_000_000_000L)
                .unsigned(new JsonObjectBuilder().put("age", 1234).build())
                .sign(ServerName.parse("example.org"), key).json();
        bytes = CanonicalJson.encode(event);
        verifyKey = key.verifyKey();
        keys = k -> Optional.of(verifyKey);
        signedBytes = JsonSigning.signedBytes(Redaction.redact(rules, event));
        signature = UnpaddedBase64.decode(JsonSigning.signaturesOf(event, "example.org").get(key.keyId().value()));
    }

    /** Canonical encoding of the parsed event. */
    @Benchmark
    public byte[] encode() {
        return CanonicalJson.encode(event);
    }

    /** Strict parsing of the event's bytes. */
    @Benchmark
    public CanonicalJsonValue parse() {
        return CanonicalJson.parse(bytes);
    }

    /** Event ID: redact, encode, SHA-256, base64. */
    @Benchmark
    public EventId eventId() {
        return EventHashing.eventId(rules, event);
    }

    /** Signature check: redact, encode, one Ed25519 verification. */
    @Benchmark
    public EventSigning.Verification verifySignature() {
        return EventSigning.verify(rules, event, keys);
    }

    /** The Ed25519 part of a signature check alone: BouncyCastle's verification of the covered bytes. */
    @Benchmark
    public boolean ed25519VerifyOnly() {
        return verifyKey.verify(signedBytes, signature);
    }

    /** Our part of a signature check: redact, then encode the bytes the signature covers. */
    @Benchmark
    public byte[] redactAndEncode() {
        return JsonSigning.signedBytes(Redaction.redact(rules, event));
    }

    /** Content hash check: encode without hashes/signatures/unsigned, SHA-256. */
    @Benchmark
    public Object checkContentHash() {
        return EventHashing.checkContentHash(event);
    }

    /** What a received PDU costs before auth: parse, format checks, event ID, signature, content hash. */
    @Benchmark
    public Object receivePdu() {
        Pdu pdu = Pdu.parse(rules, bytes);
        pdu.eventId();
        EventSigning.verify(pdu, keys);
        return pdu.contentHashCheck();
    }
}
