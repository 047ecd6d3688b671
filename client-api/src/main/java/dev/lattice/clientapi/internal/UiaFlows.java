package dev.lattice.clientapi.internal;

import java.util.Collection;
import java.util.List;

/**
 * The flows a client may complete to authenticate an operation: each flow is a list of stages, and completing every
 * stage of any one flow authenticates (<a href="https://spec.matrix.org/v1.19/client-server-api/#user-interactive-authentication-api">User-interactive
 * authentication</a>). Pure: what was completed comes from the session.
 */
public record UiaFlows(List<List<String>> flows) {
    public static final String DUMMY = "m.login.dummy";
    public static final String PASSWORD = "m.login.password";
    public static final String REGISTRATION_TOKEN = "m.login.registration_token";

    public UiaFlows {
        flows = flows.stream().map(List::copyOf).toList();
        if (flows.isEmpty() || flows.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("at least one flow, each with at least one stage");
        }
    }

    /** A single flow. */
    public static UiaFlows of(String... stages) {
        return new UiaFlows(List.of(List.of(stages)));
    }

    /** Whether some flow offers {@code stage}. */
    public boolean offers(String stage) {
        return flows.stream().anyMatch(flow -> flow.contains(stage));
    }

    /** Whether {@code completed} covers every stage of some flow. */
    public boolean isComplete(Collection<String> completed) {
        return flows.stream().anyMatch(completed::containsAll);
    }

    /** The 401 body that tells the client where it stands, with an error when its last attempt failed. */
    public UiaChallenge challenge(String session, List<String> completed, String errcode, String error) {
        return new UiaChallenge(
                flows.stream().map(UiaChallenge.Flow::new).toList(),
                java.util.Map.of(),
                session,
                completed,
                errcode,
                error);
    }
}
