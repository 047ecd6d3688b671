package dev.lattice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {
    private static final Map<String, String> ENV = Map.of("LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET", "s3cret");

    @Test
    void defaultsForAClosedLoopRun() {
        LoadOptions options = LoadOptions.parse(new String[] {"--max"}, ENV, "abc123");

        assertThat(options.closedLoop()).isTrue();
        assertThat(options.sharedSecret()).isEqualTo("s3cret");
        assertThat(options.layout()).isEqualTo(new RoomLayout(200, 100, 2));
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.runId()).isEqualTo("abc123");
        assertThat(options.baseUrl()).hasToString("http://127.0.0.1:8008");
    }

    @Test
    void everyOptionIsRead() {
        LoadOptions options = LoadOptions.parse(
                new String[] {
                    "--base-url",
                    "http://h:1/",
                    "--shared-secret",
                    "x",
                    "--users",
                    "10",
                    "--rooms",
                    "4",
                    "--members",
                    "3",
                    "--rate",
                    "12.5",
                    "--warmup",
                    "500ms",
                    "--duration",
                    "2m",
                    "--drain",
                    "5",
                    "--max-in-flight",
                    "7",
                    "--timeline-limit",
                    "9",
                    "--setup-concurrency",
                    "2",
                    "--run-id",
                    "r1",
                    "--json",
                    "out.json",
                    "--watch-pids",
                    "12,34"
                },
                Map.of(),
                "unused");

        assertThat(options.baseUrl()).hasToString("http://h:1");
        assertThat(options.sharedSecret()).isEqualTo("x");
        assertThat(options.layout()).isEqualTo(new RoomLayout(10, 4, 3));
        assertThat(options.rate()).hasValue(12.5);
        assertThat(options.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.drain()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.maxInFlight()).isEqualTo(7);
        assertThat(options.timelineLimit()).isEqualTo(9);
        assertThat(options.setupConcurrency()).isEqualTo(2);
        assertThat(options.runId()).isEqualTo("r1");
        assertThat(options.jsonFile()).hasValue("out.json");
        assertThat(options.watchPids()).isEqualTo(List.of(12L, 34L));
    }

    @Test
    void exactlyOneModeIsRequired() {
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {}, ENV, "a")).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--max", "--rate", "5"}, ENV, "a"))
                .hasMessageContaining("exactly one");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--max", "--user", "5"}, ENV, "a"))
                .hasMessage("unknown option: --user");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--rate", "-1"}, ENV, "a"))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--max", "--duration", "soon"}, ENV, "a"))
                .hasMessageContaining("--duration");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--max", "--rooms"}, ENV, "a"))
                .hasMessage("--rooms needs a value");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--max"}, Map.of(), "a"))
                .hasMessageContaining("--shared-secret");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--max", "--base-url", "ftp://x"}, ENV, "a"))
                .hasMessageContaining("http");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--max", "--run-id", "Bad!"}, ENV, "a"))
                .hasMessageContaining("--run-id");
    }
}
