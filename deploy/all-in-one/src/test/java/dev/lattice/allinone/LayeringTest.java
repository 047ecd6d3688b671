package dev.lattice.allinone;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/architecture.md §2, checked on the compiled classes of every module
 * (this module sees them all).
 */
class LayeringTest {
    private static final List<String> SERVICES =
            List.of("clientapi", "federationapi", "roomserver", "syncapi", "mediaapi", "appserviceapi", "keyserver");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.lattice");
    }

    @Test
    void servicesNeverImportEachOther() {
        for (String service : SERVICES) {
            String[] others = SERVICES.stream()
                    .filter(s -> !s.equals(service))
                    .map(s -> "dev.lattice." + s + "..")
                    .toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAPackage("dev.lattice." + service + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others)
                    .because("services talk only through common/api and the bus")
                    .check(classes);
        }
    }

    @Test
    void protocolIsPureJava() {
        noClasses()
                .that()
                .resideInAPackage("dev.lattice.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "org.apache.kafka..",
                        "io.r2dbc..",
                        "reactor..",
                        "dev.lattice.runtime..",
                        "dev.lattice.api..")
                .because("common/protocol is a pure protocol library")
                .check(classes);
    }

    /** common/protocol's packages from the bottom up; each may use the ones before it, never one after it. */
    private static final List<String> PROTOCOL_LAYERS =
            List.of("id", "json", "crypto", "federation", "version", "event", "auth", "stateres", "push");

    @Test
    void protocolPackagesPointOneWay() {
        for (int i = 0; i < PROTOCOL_LAYERS.size() - 1; i++) {
            String[] above = PROTOCOL_LAYERS.subList(i + 1, PROTOCOL_LAYERS.size()).stream()
                    .map(p -> "dev.lattice.protocol." + p + "..")
                    .toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAPackage("dev.lattice.protocol." + PROTOCOL_LAYERS.get(i) + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(above)
                    .because("docs/architecture.md §2: common/protocol's packages depend one way (common/protocol"
                            + " README)")
                    .check(classes);
        }
    }

    @Test
    void commonModulesDependOnNoService() {
        String[] services =
                SERVICES.stream().map(s -> "dev.lattice." + s + "..").toArray(String[]::new);
        noClasses()
                .that()
                .resideInAnyPackage("dev.lattice.protocol..", "dev.lattice.api..", "dev.lattice.runtime..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(services)
                .check(classes);
    }

    @Test
    void internalAndStorageStayInsideTheirModule() {
        for (String service : SERVICES) {
            String module = "dev.lattice." + service;
            noClasses()
                    .that()
                    .resideOutsideOfPackage(module + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(module + ".internal..", module + ".storage..")
                    .check(classes);
        }
    }

    @Test
    void bouncyCastleOnlyInCryptoAndTls() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.lattice.protocol.crypto..", "dev.lattice.runtime.tls..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.bouncycastle..")
                .because("docs/architecture.md §2: signing goes through common/protocol's crypto package")
                .check(classes);
    }

    /**
     * Contracts name Matrix identifiers by their types ({@code RoomId}, {@code UserId}, {@code EventId},
     * {@code DeviceId}), never as raw strings, also inside collections and optionals: a consumer then cannot compare
     * a room ID with an event ID, or pass an unvalidated string on. Opaque IDs (request and transaction IDs) are
     * strings by nature and not matched.
     */
    @Test
    void contractsUseTypedIdentifiers() {
        fields().that()
                .areDeclaredInClassesThat()
                .resideInAPackage("dev.lattice.api..")
                .and()
                .areNotStatic()
                .and()
                .haveNameMatching("(?i).*(roomid|userid|eventid|deviceid|eventids|roomids|userids|sender)")
                .should(notHoldRawStrings())
                .because("docs/contributing.md, Identifiers and values")
                .check(classes);
    }

    private static ArchCondition<JavaField> notHoldRawStrings() {
        return new ArchCondition<>("not hold identifiers as raw strings") {
            @Override
            public void check(JavaField field, ConditionEvents events) {
                boolean raw = holdsString(field.reflect().getGenericType());
                events.add(new SimpleConditionEvent(field, !raw, field.getFullName() + " holds a raw String"));
            }
        };
    }

    private static boolean holdsString(Type type) {
        if (type == String.class) {
            return true;
        }
        return type instanceof ParameterizedType parameterized
                && Arrays.stream(parameterized.getActualTypeArguments()).anyMatch(LayeringTest::holdsString);
    }
}
