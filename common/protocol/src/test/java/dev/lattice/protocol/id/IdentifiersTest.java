package dev.lattice.protocol.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.id.IdValidation.Reason;
import java.util.Optional;
import java.util.OptionalInt;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {

    private static void assertInvalid(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call)
                .isInstanceOf(InvalidIdException.class)
                .extracting(e -> ((InvalidIdException) e).reason())
                .isEqualTo(reason);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "matrix.org",
                "matrix.org:8888",
                "1.2.3.4",
                "1.2.3.4:1234",
                "[1234:5678::abcd]",
                "[1234:5678::abcd]:5678",
                "localhost",
                "MATRIX.ORG",
                "a-b.c",
                "[::1]",
                "[::ffff:1.2.3.4]:8448",
                "a:1"
            })
    void validServerNames(String name) {
        assertThat(ServerName.parse(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "matrix.org:",
                "matrix.org:123456",
                "matrix.org:8a",
                "ma_trix.org",
                "1.2.3.256",
                "[1234:5678::abcd",
                "[]",
                "[g::1]",
                "[1]",
                "[::1]x",
                "exa mple.org",
                "é.org",
                ":80",
                "matrix.org:80:80"
            })
    void invalidServerNames(String name) {
        assertInvalid(() -> ServerName.parse(name), Reason.INVALID_SERVER_NAME);
    }

    @Test
    void serverNameParts() {
        ServerName v6 = ServerName.parse("[1234:5678::abcd]:5678");
        assertThat(v6.host()).isEqualTo("[1234:5678::abcd]");
        assertThat(v6.port()).isEqualTo(OptionalInt.of(5678));
        assertThat(v6.isIpLiteral()).isTrue();
        ServerName dns = ServerName.parse("matrix.org");
        assertThat(dns.host()).isEqualTo("matrix.org");
        assertThat(dns.port()).isEmpty();
        assertThat(dns.isIpLiteral()).isFalse();
        assertThat(ServerName.parse("1.2.3.4:80").isIpLiteral()).isTrue();
        assertThat(ServerName.parse("[::1]").port()).isEmpty();
    }

    @Test
    void userIds() {
        UserId alice = UserId.parse("@alice:example.org");
        assertThat(alice.localpart()).isEqualTo("alice");
        assertThat(alice.serverName()).isEqualTo(ServerName.parse("example.org"));
        assertThat(alice.isStrict()).isTrue();
        assertThat(UserId.parseStrict("@a.b_c=d-e/f+g0:example.org:8448")
                        .serverName()
                        .port())
                .hasValue(8448);

        // Historical user IDs must be accepted, but are not strict.
        for (String historical : new String[] {
            "@Alice:example.org", "@a!b#c:example.org", "@ümlaut:example.org", "@:example.org", "@tab\there:example.org"
        }) {
            UserId id = UserId.parse(historical);
            assertThat(id.isStrict()).as(historical).isFalse();
            assertInvalid(
                    () -> UserId.validateStrict(historical),
                    historical.startsWith("@:") ? Reason.EMPTY_LOCALPART : Reason.INVALID_CHARACTERS);
        }
        assertThat(UserId.parse("@Alice:example.org").isCompliant()).isTrue();
        assertThat(UserId.parse("@ümlaut:example.org").isCompliant()).isFalse();

        assertInvalid(() -> UserId.parse("alice:example.org"), Reason.MISSING_SIGIL);
        assertInvalid(() -> UserId.parse("@alice"), Reason.MISSING_COLON);
        assertInvalid(() -> UserId.parse(""), Reason.EMPTY);
        assertInvalid(() -> UserId.parse("@al\u0000ice:example.org"), Reason.INVALID_CHARACTERS);
        assertInvalid(() -> UserId.parse("@alice:exa_mple.org"), Reason.INVALID_SERVER_NAME);
    }

    @Test
    void lengthLimitIsInUtf8Bytes() {
        String server = ":example.org";
        String ok = "@" + "a".repeat(255 - 1 - server.length()) + server;
        assertThat(ok.length()).isEqualTo(255);
        assertThat(UserId.parse(ok).value()).isEqualTo(ok);
        assertInvalid(() -> UserId.parse("@a" + ok.substring(1)), Reason.TOO_LONG);
        // 100 two-byte characters: 100 chars, 200+ bytes.
        String multibyte = "@" + "é".repeat(122) + server; // 1 + 244 + 12 = 257 bytes, 135 chars
        assertInvalid(() -> UserId.parse(multibyte), Reason.TOO_LONG);
        assertInvalid(() -> RoomAliasId.parse("#" + "x".repeat(250) + server), Reason.TOO_LONG);
        assertInvalid(() -> EventId.parse("$" + "x".repeat(255)), Reason.TOO_LONG);
        assertInvalid(() -> RoomId.parse("!" + "x".repeat(250) + server), Reason.TOO_LONG);
    }

    @Test
    void roomIds() {
        RoomId classic = RoomId.parse("!abc123:matrix.org");
        assertThat(classic.serverName()).contains(ServerName.parse("matrix.org"));
        assertThat(classic.opaqueId()).isEqualTo("abc123");
        assertThat(classic.isCreateEventHash()).isFalse();
        assertThat(classic.createEventId()).isEmpty();

        RoomId v12 = RoomId.parse("!Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ");
        assertThat(v12.serverName()).isEqualTo(Optional.empty());
        assertThat(v12.isCreateEventHash()).isTrue();
        assertThat(v12.createEventId()).contains(EventId.parse("$Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ"));
        assertThat(RoomId.fromCreateEventId(EventId.parse("$Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ")))
                .isEqualTo(v12);

        assertInvalid(() -> RoomId.parse("!Nhcu5BS+UMnFX7hBVfVSoXiD7OgH6iRT/xyIuqDnpYQ"), Reason.INVALID_HASH);
        assertInvalid(() -> RoomId.parse("!short"), Reason.MISSING_COLON);
        assertInvalid(() -> RoomId.parse("#abc:matrix.org"), Reason.MISSING_SIGIL);
        assertThat(RoomId.parse("!:matrix.org").opaqueId()).isEmpty();
    }

    @Test
    void eventIds() {
        assertThat(EventId.parse("$a4ecee13e2accdadf56c1025:example.com").serverName())
                .contains(ServerName.parse("example.com"));
        assertThat(EventId.parse("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg").serverName())
                .isEmpty();
        assertThat(EventId.parse("$CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o").value())
                .startsWith("$");
        assertInvalid(() -> EventId.parse("$"), Reason.EMPTY_LOCALPART);
        assertInvalid(() -> EventId.parse("abc"), Reason.MISSING_SIGIL);
    }

    @Test
    void aliasesDevicesAndKeys() {
        RoomAliasId alias = RoomAliasId.parse("#room:example.org");
        assertThat(alias.localpart()).isEqualTo("room");
        assertThat(alias.serverName().value()).isEqualTo("example.org");
        assertInvalid(() -> RoomAliasId.parse("#room"), Reason.MISSING_COLON);

        assertThat(DeviceId.parse("ABCDEFGH").value()).isEqualTo("ABCDEFGH");
        assertInvalid(() -> DeviceId.parse(""), Reason.EMPTY);

        KeyId key = KeyId.parse("ed25519:a_XyZ");
        assertThat(key.algorithm()).isEqualTo("ed25519");
        assertThat(key.version()).isEqualTo("a_XyZ");
        assertThat(KeyId.parse("signed_curve25519:AAAAHQ").algorithm()).isEqualTo("signed_curve25519");
        assertInvalid(() -> KeyId.parse("ed25519"), Reason.MISSING_COLON);
        assertInvalid(() -> KeyId.parse("ed25519:"), Reason.EMPTY_LOCALPART);
        assertInvalid(() -> KeyId.parse("ED25519:x"), Reason.INVALID_CHARACTERS);
    }

    @Test
    void serialisesAsPlainJsonStrings() throws Exception {
        var mapper = new tools.jackson.databind.ObjectMapper();
        record Holder(UserId user, RoomId room, ServerName server) {}
        Holder holder = new Holder(UserId.parse("@a:b.c"), RoomId.parse("!r:b.c"), ServerName.parse("b.c:8448"));
        String json = mapper.writeValueAsString(holder);
        assertThat(json).isEqualTo("{\"user\":\"@a:b.c\",\"room\":\"!r:b.c\",\"server\":\"b.c:8448\"}");
        assertThat(mapper.readValue(json, Holder.class)).isEqualTo(holder);
        assertThatThrownBy(() ->
                        mapper.readValue("{\"user\":\"nope\",\"room\":\"!r:b.c\",\"server\":\"b.c\"}", Holder.class))
                .hasRootCauseInstanceOf(InvalidIdException.class);
    }
}
