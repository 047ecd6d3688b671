package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlidingSyncRequestTest {
    private static final AuthenticatedDevice DEVICE = new AuthenticatedDevice(
            UserId.parse("@alice:example.org"), DeviceId.parse("PHONE"), false, Optional.empty());

    private static SlidingSyncRequest parse(String body, String pos, String timeout) {
        return SlidingSyncRequest.parse(
                DEVICE, CanonicalJson.parseObject(body), Optional.ofNullable(pos), Optional.ofNullable(timeout));
    }

    private static void assertRefused(String body, String errcode) {
        assertThatThrownBy(() -> parse(body, null, null))
                .isInstanceOfSatisfying(
                        MatrixException.class,
                        e -> assertThat(e.errorCode().code()).isEqualTo(errcode));
    }

    @Test
    void readsWhatTheRoomListServiceSends() {
        SlidingSyncRequest request = parse("""
                {"conn_id":"room-list","txn_id":"t1","lists":{"all_rooms":{"ranges":[[0,19]],
                 "required_state":[["m.room.name",""],["m.room.member","$LAZY"]],"timeline_limit":1,"filters":{}}},
                 "room_subscriptions":{"!a:example.org":{"timeline_limit":20,"required_state":[]}},
                 "extensions":{"account_data":{"enabled":true},"receipts":{"enabled":true,"rooms":["*"]},
                 "typing":{"enabled":true},"to_device":{"enabled":true,"since":"42"},"e2ee":{"enabled":false}}}""", "17", "30000");
        assertThat(request.connId()).isEqualTo("room-list");
        assertThat(request.pos()).contains(17L);
        assertThat(request.txnId()).contains("t1");
        assertThat(request.timeout()).isEqualTo(Duration.ofSeconds(30));
        SlidingSyncRequest.ListSpec list = request.lists().get("all_rooms");
        assertThat(list.ranges()).containsExactly(new SlidingSyncRequest.Range(0, 19));
        assertThat(list.room().timelineLimit()).isEqualTo(1);
        assertThat(list.room().requiredState().lazyMembers()).isTrue();
        assertThat(list.filters()).isEqualTo(SlidingSyncRequest.ListFilters.NONE);
        assertThat(request.subscriptions().get("!a:example.org").timelineLimit())
                .isEqualTo(20);
        SlidingSyncRequest.Extensions extensions = request.extensions();
        assertThat(extensions.toDevice()).contains(new SlidingSyncRequest.ToDevice(Optional.of(42L), 100));
        assertThat(extensions.e2ee()).isFalse();
        assertThat(extensions.accountData()).contains(SlidingSyncRequest.Scope.ALL);
        assertThat(extensions.receipts().orElseThrow().rooms()).contains(List.of("*"));
    }

    @Test
    void anEmptyBodyIsANewUnnamedConnectionWithNothingAskedFor() {
        SlidingSyncRequest request = parse("{}", "", null);
        assertThat(request.connId()).isEmpty();
        assertThat(request.pos()).isEmpty();
        assertThat(request.timeout()).isEqualTo(Duration.ZERO);
        assertThat(request.lists()).isEmpty();
        assertThat(request.extensions()).isEqualTo(SlidingSyncRequest.Extensions.NONE);
    }

    @Test
    void hugeValuesAreServedAsTheLargestAllowed() {
        SlidingSyncRequest request =
                parse("{\"lists\":{\"a\":{\"ranges\":[[0,1000000000]],\"timeline_limit\":1000000}}}", null, null);
        assertThat(request.lists().get("a").ranges()).containsExactly(new SlidingSyncRequest.Range(0, 1_000_000_000));
        assertThat(request.lists().get("a").room().timelineLimit()).isEqualTo(SyncFilter.MAX_TIMELINE_LIMIT);
    }

    @Test
    void malformedShapesAreBadJson() {
        assertRefused("{\"lists\":[]}", "M_BAD_JSON");
        assertRefused("{\"lists\":{\"a\":{\"ranges\":[[0]]}}}", "M_BAD_JSON");
        assertRefused("{\"lists\":{\"a\":{\"ranges\":[[\"0\",\"1\"]]}}}", "M_BAD_JSON");
        assertRefused("{\"lists\":{\"a\":{\"required_state\":[[\"m.room.name\"]]}}}", "M_BAD_JSON");
        assertRefused("{\"lists\":{\"a\":{\"required_state\":[[\"m.room.name\",1]]}}}", "M_BAD_JSON");
        assertRefused("{\"lists\":{\"a\":{\"filters\":{\"is_dm\":\"yes\"}}}}", "M_BAD_JSON");
        assertRefused("{\"lists\":{\"a\":{\"filters\":{\"room_types\":[1]}}}}", "M_BAD_JSON");
        assertRefused("{\"lists\":{\"a\":{\"filters\":{\"tags\":\"m.favourite\"}}}}", "M_BAD_JSON");
        assertRefused("{\"lists\":{\"a\":{\"filters\":{\"spaces\":[null]}}}}", "M_BAD_JSON");
        assertRefused("{\"extensions\":{\"typing\":{\"enabled\":true,\"lists\":[1]}}}", "M_BAD_JSON");
        assertRefused("{\"conn_id\":5}", "M_BAD_JSON");
    }

    @Test
    void valuesOutOfRangeAreInvalidParams() {
        assertRefused("{\"lists\":{\"a\":{\"ranges\":[[3,1]]}}}", "M_INVALID_PARAM");
        assertRefused("{\"lists\":{\"a\":{\"ranges\":[[-1,1]]}}}", "M_INVALID_PARAM");
        assertRefused("{\"lists\":{\"a\":{\"timeline_limit\":-1}}}", "M_INVALID_PARAM");
        assertRefused("{\"room_subscriptions\":{\"#alias:x\":{}}}", "M_INVALID_PARAM");
        assertRefused("{\"extensions\":{\"to_device\":{\"enabled\":true,\"since\":\"x\"}}}", "M_INVALID_PARAM");
        assertRefused("{\"conn_id\":\"" + "c".repeat(256) + "\"}", "M_INVALID_PARAM");
        assertRefused("{\"conn_id\":\"a\\u0000b\"}", "M_INVALID_PARAM");
        StringBuilder ranges = new StringBuilder("[0,0]");
        ranges.append(",[0,0]".repeat(SlidingSyncRequest.MAX_RANGES));
        assertRefused("{\"lists\":{\"a\":{\"ranges\":[" + ranges + "]}}}", "M_INVALID_PARAM");
    }

    @Test
    void aPosThisServerCannotHaveWrittenIsUnknown() {
        for (String pos : List.of("abc", "0", "-4", "1.5")) {
            assertThatThrownBy(() -> parse("{}", pos, null))
                    .isInstanceOfSatisfying(
                            MatrixException.class,
                            e -> assertThat(e.errorCode().code()).isEqualTo("M_UNKNOWN_POS"));
        }
    }

    @Test
    void anExtensionScopeCoversTheNamedListsWindowsAndSubscriptions() {
        Map<String, List<String>> windows = Map.of("dms", List.of("!d:x"), "rooms", List.of("!r:x"));
        Set<String> subscribed = Set.of("!s:x", "!t:x");
        assertThat(SlidingSyncRequest.Scope.ALL.rooms(windows, subscribed))
                .containsExactlyInAnyOrder("!d:x", "!r:x", "!s:x", "!t:x");
        SlidingSyncRequest.Scope some = new SlidingSyncRequest.Scope(
                Optional.of(List.of("dms", "unknown")), Optional.of(List.of("!t:x", "!not-subscribed:x")));
        assertThat(some.rooms(windows, subscribed)).containsExactlyInAnyOrder("!d:x", "!t:x");
        SlidingSyncRequest.Scope none = new SlidingSyncRequest.Scope(Optional.of(List.of()), Optional.of(List.of()));
        assertThat(none.rooms(windows, subscribed)).isEmpty();
    }
}
