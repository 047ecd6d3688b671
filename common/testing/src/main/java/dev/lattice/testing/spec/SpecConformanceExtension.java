package dev.lattice.testing.spec;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails a test whose requests got a response the spec does not allow ({@link SpecConformance}). Registered for every
 * test by JUnit's extension auto-detection ({@code META-INF/services}, switched on by the parent POM). What arrives
 * outside a test (set-up in {@code @BeforeAll}, or a response finished after its test) fails the class.
 */
public final class SpecConformanceExtension implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private static final Logger log = LoggerFactory.getLogger(SpecConformanceExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        failOn(SpecConformance.drainViolations(), "before " + context.getDisplayName());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failOn(SpecConformance.drainViolations(), context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        log.info(
                "{} JSON responses checked against the spec's OpenAPI in this JVM so far",
                SpecConformance.checkedSoFar());
        failOn(SpecConformance.drainViolations(), "the class " + context.getDisplayName());
    }

    private static void failOn(List<String> violations, String where) {
        if (!violations.isEmpty()) {
            throw new AssertionError(violations.size() + " response(s) in " + where
                    + " do not match the Matrix spec's OpenAPI:\n" + String.join("\n", violations));
        }
    }
}
