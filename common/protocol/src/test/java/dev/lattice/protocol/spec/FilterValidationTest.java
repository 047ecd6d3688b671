package dev.lattice.protocol.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.json.CanonicalJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Filters against the spec's schemas: wrong types and values are 400 M_BAD_JSON, unknown fields pass. */
class FilterValidationTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"room\":{\"timeline\":{\"limit\":10,\"types\":[\"m.room.*\"],\"not_senders\":[\"@eve:x\"]}}}",
                "{\"room\":{\"timeline\":{\"limit\":0}}}",
                "{\"room\":{\"include_leave\":true,\"rooms\":[\"!a:x\"],\"state\":{\"lazy_load_members\":true}}}",
                "{\"event_format\":\"federation\",\"event_fields\":[\"type\",\"content.body\"]}",
                "{\"presence\":{\"not_types\":[\"*\"]},\"account_data\":{\"limit\":5}}",
                "{\"room\":{\"timeline\":{\"org.matrix.msc0000.unstable\":42}},\"org.example\":[1]}"
            })
    void acceptsFiltersOfTheSpecsShape(String json) {
        assertThatCode(() -> FilterValidation.validateFilter(CanonicalJson.parseObject(json)))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"room\":{\"timeline\":{\"limit\":\"ten\"}}}",
                "{\"room\":{\"timeline\":{\"limit\":-1}}}",
                "{\"room\":{\"timeline\":{\"types\":\"m.room.message\"}}}",
                "{\"room\":{\"timeline\":{\"not_types\":[1]}}}",
                "{\"room\":{\"timeline\":{\"senders\":[\"alice\"]}}}",
                "{\"room\":{\"timeline\":{\"lazy_load_members\":\"yes\"}}}",
                "{\"room\":{\"timeline\":[]}}",
                "{\"room\":{\"state\":{\"contains_url\":1}}}",
                "{\"room\":{\"include_leave\":1}}",
                "{\"room\":{\"rooms\":[\"#alias:x\"]}}",
                "{\"room\":{\"not_rooms\":\"!a:x\"}}",
                "{\"room\":[]}",
                "{\"event_format\":\"raw\"}",
                "{\"event_format\":1}",
                "{\"event_fields\":\"type\"}",
                "{\"presence\":{\"limit\":-5}}",
                "{\"account_data\":{\"types\":{}}}"
            })
    void refusesFiltersThatBreakTheSchema(String json) {
        assertThatThrownBy(() -> FilterValidation.validateFilter(CanonicalJson.parseObject(json)))
                .isInstanceOfSatisfying(
                        MatrixException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_JSON));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"limit\":-1}", "{\"types\":[null]}", "{\"lazy_load_members\":0}"})
    void refusesRoomEventFiltersThatBreakTheSchema(String json) {
        assertThatThrownBy(() -> FilterValidation.validateRoomEventFilter(CanonicalJson.parseObject(json)))
                .isInstanceOf(MatrixException.class);
    }
}
