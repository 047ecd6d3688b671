package dev.lattice.protocol.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.UnpaddedBase64;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionRules;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The appendix's event signing vectors (they predate room version 3 and include {@code origin}, so they are checked
 * with room version 1's redaction rules), and a real event with its known event IDs.
 */
class EventVectorsTest {
    static final SigningKey KEY = SigningKey.fromSeed(
            KeyId.parse("ed25519:1"), UnpaddedBase64.decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"));

    @Test
    void signsTheMinimalEventAsTheSpecSays() {
        JsonObject event = CanonicalJson.parseObject("""
                {
                    "room_id": "!x:domain",
                    "sender": "@a:domain",
                    "origin": "domain",
                    "origin_server_ts": 1000000,
                    "signatures": {},
                    "hashes": {},
                    "type": "X",
                    "content": {},
                    "prev_events": [],
                    "auth_events": [],
                    "depth": 3,
                    "unsigned": {
                        "age_ts": 1000000
                    }
                }""");
        JsonObject signed = EventSigning.sign(RoomVersionRules.V1, event, "domain", KEY);
        assertThat(signed).isEqualTo(CanonicalJson.parseObject("""
                {
                    "auth_events": [],
                    "content": {},
                    "depth": 3,
                    "hashes": {
                        "sha256": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"
                    },
                    "origin": "domain",
                    "origin_server_ts": 1000000,
                    "prev_events": [],
                    "room_id": "!x:domain",
                    "sender": "@a:domain",
                    "signatures": {
                        "domain": {
                            "ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"
                        }
                    },
                    "type": "X",
                    "unsigned": {
                        "age_ts": 1000000
                    }
                }"""));
        assertThat(EventHashing.checkContentHash(signed)).isEqualTo(ContentHashCheck.MATCH);
        // Version 3's redaction is version 1's; version 1 would also want the (absent) event_id server's signature.
        assertThat(EventSigning.verify(RoomVersionRules.V3, signed, k -> Optional.of(KEY.verifyKey()))
                        .isValid())
                .isTrue();
    }

    @Test
    void signsTheEventWithRedactableContentAsTheSpecSays() {
        JsonObject event = CanonicalJson.parseObject("""
                {
                    "content": {
                        "body": "Here is the message content"
                    },
                    "event_id": "$0:domain",
                    "origin": "domain",
                    "origin_server_ts": 1000000,
                    "type": "m.room.message",
                    "room_id": "!r:domain",
                    "sender": "@u:domain",
                    "signatures": {},
                    "unsigned": {
                        "age_ts": 1000000
                    }
                }""");
        JsonObject signed = EventSigning.sign(RoomVersionRules.V1, event, "domain", KEY);
        assertThat(signed).isEqualTo(CanonicalJson.parseObject("""
                {
                    "content": {
                        "body": "Here is the message content"
                    },
                    "event_id": "$0:domain",
                    "hashes": {
                        "sha256": "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"
                    },
                    "origin": "domain",
                    "origin_server_ts": 1000000,
                    "type": "m.room.message",
                    "room_id": "!r:domain",
                    "sender": "@u:domain",
                    "signatures": {
                        "domain": {
                            "ed25519:1": "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"
                        }
                    },
                    "unsigned": {
                        "age_ts": 1000000
                    }
                }"""));
        // The signature covers the redacted event, so it still verifies after redaction...
        JsonObject redacted = Redaction.redact(RoomVersionRules.V1, signed);
        assertThat(redacted.getObject("content")).contains(JsonObject.EMPTY);
        assertThat(EventSigning.verify(RoomVersionRules.V1, redacted, k -> Optional.of(KEY.verifyKey()))
                        .isValid())
                .isTrue();
        // ...while the content hash tells a redacted copy from the original.
        assertThat(EventHashing.checkContentHash(redacted)).isEqualTo(ContentHashCheck.MISMATCH);
        assertThat(EventHashing.checkContentHash(signed)).isEqualTo(ContentHashCheck.MATCH);
    }

    /**
     * A real room version 5 create event from jki.re (Synapse), with the event IDs it has in version 3 and 4 format;
     * the same vector is in gomatrixserverlib's {@code eventversion_test.go}.
     */
    static final String REAL_CREATE_EVENT = "{\"auth_events\": [], \"prev_events\": [], \"type\": \"m.room.create\", "
            + "\"room_id\": \"!uXDCzlYgCTHtiWCkEx:jki.re\", \"sender\": \"@erikj:jki.re\", \"content\": "
            + "{\"room_version\": \"5\", \"predecessor\": {\"room_id\": \"!gdRMqOrTFdOCYHNwOo:half-shot.uk\", "
            + "\"event_id\": \"$LP7ROBc4b+cMc1UE9haIz8q5AK2AIW4eJ90FfKLvyZI\"}, \"creator\": \"@erikj:jki.re\"}, "
            + "\"depth\": 1, \"prev_state\": [], \"state_key\": \"\", \"origin\": \"jki.re\", \"origin_server_ts\": "
            + "1560284621137, \"hashes\": {\"sha256\": \"IX6zuNiJpJPNf70BLleL3HSCpjKeq9Uhu7uUpyDjBmc\"}, "
            + "\"signatures\": {\"jki.re\": {\"ed25519:auto\": \"O4IyFfF2PPtGp5uaDm8t57dZbdh8vc8Q64LgCwvzYRVItAMI0uisfi"
            + "AFaxkVT7MRpzh6N2QNN5NMRXZKmgPYDA\"}}, \"unsigned\": {\"age\": 1321650}}";

    @Test
    void computesEventIdsOfARealEvent() {
        byte[] bytes = REAL_CREATE_EVENT.getBytes(StandardCharsets.UTF_8);
        Pdu v5 = Pdu.parse(RoomVersionRules.V5, bytes);
        assertThat(v5.eventId()).isEqualTo("$RrGxF28UrHLmoASHndYb9Jb_1SFww2ptmtur9INS438");
        assertThat(v5.contentHashCheck()).isEqualTo(ContentHashCheck.MATCH);
        assertThat(Pdu.parse(RoomVersionRules.V3, bytes).eventId())
                .isEqualTo("$RrGxF28UrHLmoASHndYb9Jb/1SFww2ptmtur9INS438");
        // Unsigned data changes neither the ID nor the content hash.
        JsonObject withOtherUnsigned = v5.json().with("unsigned", JsonObject.EMPTY);
        assertThat(EventHashing.eventId(RoomVersionRules.V5, withOtherUnsigned).value())
                .isEqualTo(v5.eventId());
        // The redacted event has the same ID (the reference hash is over the redacted form).
        assertThat(EventHashing.eventId(RoomVersionRules.V5, Redaction.redact(RoomVersionRules.V5, v5.json()))
                        .value())
                .isEqualTo(v5.eventId());
    }
}
