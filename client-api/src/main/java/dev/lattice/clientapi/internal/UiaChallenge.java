package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The {@code 401} body of user-interactive authentication. The first answer carries no {@code errcode} (clients
 * such as matrix-js-sdk show one as a failure); an answer to a failed stage carries the stage's error.
 *
 * @param completed the stages completed so far
 * @param errcode the error of the last attempt, or null
 * @param error its message, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UiaChallenge(
        @JsonProperty("flows") List<Flow> flows,
        @JsonProperty("params") Map<String, Object> params,
        @JsonProperty("session") String session,
        @JsonProperty("completed") List<String> completed,
        @JsonProperty("errcode") String errcode,
        @JsonProperty("error") String error) {

    public UiaChallenge {
        flows = List.copyOf(flows);
        params = Map.copyOf(params);
        requireNonNull(session, "session is null");
        completed = List.copyOf(completed);
    }

    /** One flow: the stages to complete, in order. */
    public record Flow(@JsonProperty("stages") List<String> stages) {
        public Flow {
            stages = List.copyOf(stages);
        }
    }
}
