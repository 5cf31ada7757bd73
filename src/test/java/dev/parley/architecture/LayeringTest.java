package dev.parley.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package layering of docs/ARCHITECTURE.md, checked on the compiled main classes: which
 * package may use which, no package cycles, no Netty channel API below the session layer, and
 * the client library and load generator free of server internals.
 */
class LayeringTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.parley");
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching("dev.parley.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        ArchRule layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("protocol").definedBy("dev.parley.protocol..")
                .layer("socket").definedBy("dev.parley.socket..")
                .layer("content").definedBy("dev.parley.content..")
                .layer("metrics").definedBy("dev.parley.metrics..")
                .layer("store").definedBy("dev.parley.store..")
                .layer("chatlog").definedBy("dev.parley.chatlog..")
                .layer("history").definedBy("dev.parley.history..")
                .layer("account").definedBy("dev.parley.account..")
                .layer("room").definedBy("dev.parley.room..")
                .layer("direct").definedBy("dev.parley.direct..")
                .layer("moderation").definedBy("dev.parley.moderation..")
                .layer("cluster").definedBy("dev.parley.cluster..")
                .layer("session").definedBy("dev.parley.session..")
                .layer("tls").definedBy("dev.parley.tls..")
                .layer("transport").definedBy("dev.parley.transport..")
                .layer("websocket").definedBy("dev.parley.websocket..")
                .layer("admin").definedBy("dev.parley.admin..")
                .layer("api").definedBy("dev.parley.api..")
                .layer("server").definedBy("dev.parley.server..")
                .layer("client").definedBy("dev.parley.client..")
                .layer("loadgen").definedBy("dev.parley.loadgen..")
                .layer("cli").definedBy("dev.parley.cli..")

                .whereLayer("protocol").mayOnlyAccessLayers("protocol")
                .whereLayer("socket").mayOnlyAccessLayers("socket")
                .whereLayer("content").mayOnlyAccessLayers("content")
                .whereLayer("metrics").mayOnlyAccessLayers("metrics", "protocol")
                .whereLayer("store").mayOnlyAccessLayers("store", "protocol")
                .whereLayer("chatlog").mayOnlyAccessLayers("chatlog", "store", "protocol")
                .whereLayer("history").mayOnlyAccessLayers("history", "chatlog", "protocol")
                .whereLayer("account").mayOnlyAccessLayers("account", "store", "content", "protocol")
                .whereLayer("room").mayOnlyAccessLayers("room", "history", "chatlog", "store", "content",
                        "metrics", "protocol")
                .whereLayer("direct").mayOnlyAccessLayers("direct", "account", "history", "store", "content",
                        "metrics", "protocol")
                .whereLayer("moderation").mayOnlyAccessLayers("moderation", "room", "account", "store", "content",
                        "metrics", "protocol")
                .whereLayer("cluster").mayOnlyAccessLayers("cluster", "moderation", "room", "history", "account", "store",
                        "content", "metrics", "protocol")
                .whereLayer("session").mayOnlyAccessLayers("session", "room", "direct", "moderation", "account", "store",
                        "metrics", "protocol")
                .whereLayer("tls").mayOnlyAccessLayers("tls", "metrics", "protocol")
                .whereLayer("transport").mayOnlyAccessLayers("transport", "session", "tls", "metrics", "protocol")
                .whereLayer("websocket").mayOnlyAccessLayers("websocket", "transport", "session", "tls", "metrics", "protocol")
                .whereLayer("admin").mayOnlyAccessLayers("admin", "metrics")
                .whereLayer("api").mayOnlyAccessLayers("api", "moderation", "room", "account", "store", "content", "metrics",
                        "protocol")
                .whereLayer("api").mayOnlyBeAccessedByLayers("server")
                .whereLayer("client").mayOnlyAccessLayers("client", "protocol")
                .whereLayer("loadgen").mayOnlyAccessLayers("loadgen", "client", "socket", "protocol")
                .whereLayer("server").mayOnlyBeAccessedByLayers("cli")

                .whereLayer("cli").mayNotBeAccessedByAnyLayer();
        layers.check(main);
    }

    @Test
    void theDomainBelowTheSessionLayerSeesNoNettyChannels() {
        noClasses().that().resideInAnyPackage("dev.parley.room..", "dev.parley.account..", "dev.parley.history..",
                        "dev.parley.chatlog..", "dev.parley.store..", "dev.parley.cluster..", "dev.parley.content..",
                        "dev.parley.metrics..", "dev.parley.direct..", "dev.parley.moderation..")
                .should().dependOnClassesThat().resideInAPackage("io.netty.channel..")
                .because("rooms, accounts and history reach members through room.RoomMember, so the same "
                        + "rules serve every transport (and, in a cluster, remote members)")
                .check(main);
    }

    @Test
    void theClientLibraryNeedsNoServerLibraries() {
        classes().that().resideInAPackage("dev.parley.client..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.parley.client..",
                        "dev.parley.protocol..", "java..", "javax..", "io.netty..", "com.google.protobuf..",
                        "org.slf4j..", "org.jline..", "")
                .because("a game server or bot embeds the client without H2, Flyway, JDBC or Micrometer")
                .check(main);
    }

    @Test
    void loggingIsALeafEveryServerLayerMayUse() {
        // outside the layers above on purpose: any server-side package may log through it
        classes().that().resideInAPackage("dev.parley.logging..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.parley.logging..", "java..",
                        "org.slf4j..", "ch.qos.logback..", "com.fasterxml.jackson..", "")
                .because("log formats and limits know nothing of chat, so every layer can use them")
                .check(main);
    }

    @Test
    void storeIsJdbcOnly() {
        noClasses().that().resideInAPackage("dev.parley.store..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .check(main);
    }
}
