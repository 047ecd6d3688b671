package dev.lattice.testing.spec;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The client-server API as the Matrix spec's own OpenAPI files describe it ({@code
 * matrix-spec/data/api/client-server}): for a response — method, path, status and JSON body — what the spec's
 * response schema for that operation and status says is wrong with it. The schemas are read from the files where
 * they stand, so their relative {@code $ref}s resolve as the spec's build resolves them.
 *
 * <p>The files are read in place from the team's {@code shared} directory beside the checkout, as the other test
 * data ({@code -Dlattice.shared.dir}, else a {@code shared} directory in the working directory or above it).
 */
public final class ClientServerSpec {
    private static volatile ClientServerSpec shared;

    private final List<Operation> operations;
    // The spec's own files, and nothing from the network: they refer to each other by relative file paths only.
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaLoader(loader ->
                    loader.fetchRemoteResources().allow(iri -> iri.toString().startsWith("file:"))));
    private final Map<String, Optional<Schema>> schemas = new ConcurrentHashMap<>();
    private final JsonMapper json = JsonMapper.builder().build();

    /** One operation of the spec: its method, the concrete paths it answers, where it stands in its file. */
    record Operation(String method, String base, String pathInFile, Pattern paths, Path file, JsonNode responses) {
        String template() {
            return base + pathInFile;
        }
    }

    ClientServerSpec(Path directory) {
        this.operations = load(directory);
    }

    /** The spec of this checkout, loaded once per JVM. */
    public static ClientServerSpec shared() {
        if (shared == null) {
            synchronized (ClientServerSpec.class) {
                if (shared == null) {
                    shared = new ClientServerSpec(directory());
                }
            }
        }
        return shared;
    }

    static Path directory() {
        Path relative = Path.of("matrix-spec", "data", "api", "client-server");
        String configured = System.getProperty("lattice.shared.dir");
        if (configured != null) {
            return Path.of(configured).resolve(relative);
        }
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            if (Files.isDirectory(at.resolve("shared").resolve(relative))) {
                return at.resolve("shared").resolve(relative);
            }
        }
        throw new IllegalStateException("The Matrix spec's OpenAPI files (shared/matrix-spec) were not found in "
                + Path.of("").toAbsolutePath() + " or any directory above it. They are kept outside the repository, in"
                + " the team's shared directory: place it beside your checkout (<checkout>/../shared), or run the"
                + " tests with -Dlattice.shared.dir=/path/to/shared. See docs/contributing.md, \"Test data\".");
    }

    /**
     * What the spec says is wrong with this response, or empty when it conforms, the spec has no operation for the
     * request, or it describes no JSON body for that status. {@code path} is the raw (still percent-encoded) path.
     */
    public Optional<String> violation(String method, String path, int status, byte[] body) {
        Optional<Operation> operation = operationFor(method, path);
        if (operation.isEmpty()) {
            return Optional.empty();
        }
        Optional<Schema> schema = schemaFor(operation.get(), status);
        if (schema.isEmpty()) {
            return Optional.empty();
        }
        JsonNode parsed;
        try {
            parsed = json.readTree(body);
        } catch (RuntimeException notJson) {
            return Optional.of(describe(method, path, status, operation.get()) + ": the body is not JSON");
        }
        List<Error> errors = schema.get().validate(parsed).stream()
                .filter(error -> !isOverlapOfAlternatives(error))
                .toList();
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        String shown = parsed.toString();
        return Optional.of(describe(method, path, status, operation.get()) + ": "
                + errors.stream().map(Error::toString).collect(Collectors.joining("; "))
                + "\n  body: " + shown.substring(0, Math.min(600, shown.length())));
    }

    /**
     * A {@code oneOf} that failed because the body matched more than one alternative: the spec writes {@code oneOf}
     * where its alternatives overlap (the answer of {@code GET /rooms/{roomId}/state/{eventType}/{stateKey}} is
     * "{@code type: object}" or a state event, and every state event is an object), so a body valid against several
     * of them is what the spec means, not a violation. A body that matches none still fails.
     */
    private static boolean isOverlapOfAlternatives(Error error) {
        Object[] arguments = error.getArguments();
        return "oneOf".equals(error.getKeyword())
                && arguments != null
                && arguments.length > 0
                && Integer.parseInt(String.valueOf(arguments[0])) > 1;
    }

    /** The operation a request is for: a literal segment wins over a parameter, as a router would choose. */
    Optional<Operation> operationFor(String method, String path) {
        return operations.stream()
                .filter(o -> o.method().equalsIgnoreCase(method)
                        && o.paths().matcher(path).matches())
                .findFirst();
    }

    private Optional<Schema> schemaFor(Operation operation, int status) {
        String key = operation.file() + " " + operation.method() + " " + operation.template() + " " + status;
        return schemas.computeIfAbsent(key, k -> {
            JsonNode schema = operation
                    .responses()
                    .path(Integer.toString(status))
                    .path("content")
                    .path("application/json")
                    .path("schema");
            if (schema.isMissingNode()) {
                return Optional.empty();
            }
            // The schema stays in its file, found by a JSON pointer, so that its relative $refs resolve.
            String pointer = "/paths/" + escape(operation.pathInFile()) + "/"
                    + operation.method().toLowerCase() + "/responses/" + status + "/content/application~1json/schema";
            return Optional.of(
                    registry.getSchema(SchemaLocation.of(operation.file().toUri() + "#" + pointer)));
        });
    }

    private static String describe(String method, String path, int status, Operation operation) {
        return method + " " + path + " → " + status + " does not match "
                + operation.file().getFileName() + " (" + operation.template() + ")";
    }

    private static String escape(String pointerToken) {
        return pointerToken.replace("~", "~0").replace("/", "~1");
    }

    private static List<Operation> load(Path directory) {
        YAMLMapper yaml = YAMLMapper.builder().build();
        List<Operation> loaded = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode api = yaml.readTree(file.toFile());
                String base = api.path("servers")
                        .path(0)
                        .path("variables")
                        .path("basePath")
                        .path("default")
                        .asString("");
                for (Map.Entry<String, JsonNode> path : api.path("paths").properties()) {
                    for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                        JsonNode responses = method.getValue().path("responses");
                        if (responses.isObject()) {
                            loaded.add(new Operation(
                                    method.getKey().toUpperCase(),
                                    base,
                                    path.getKey(),
                                    pattern(base + path.getKey()),
                                    file,
                                    responses));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        loaded.sort(Comparator.comparingInt((Operation o) -> literalLength(o.template()))
                .reversed());
        return List.copyOf(loaded);
    }

    private static int literalLength(String template) {
        return template.replaceAll("\\{[^}]+}", "").length();
    }

    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=})")) {
            // a parameter may be empty: a state key is, in .../state/m.room.name/
            regex.append(part.startsWith("{") ? "[^/]*" : Pattern.quote(part));
        }
        return Pattern.compile(regex + "/?");
    }
}
