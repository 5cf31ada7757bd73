package dev.parley.cli;

import dev.parley.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @Test
    void helpListsTheServerCommand() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--help")).isZero();
        assertThat(out.toString()).contains("server");
    }

    @Test
    void serverHelpDocumentsEveryOptionWithItsDefault() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("server", "--help")).isZero();
        assertThat(out.toString()).contains("--port", "default: 7777", "--transport", "--[no-]auto-register", "--config",
                "--room-max-members", "default: 1000", "--max-frame", "default: 8192");
    }

    @Test
    void aConfigFileSetsOptionsAndFlagsOverrideIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parley.properties");
        Files.writeString(file, "port=7001\nroom-max-members=50\nauto-register=false\nslow-reader-grace=250ms\n");
        ServerCommand cmd = parse("server", "--config", file.toString(), "--port", "7002");
        var config = cmd.toConfig();
        assertThat(config.network().port()).isEqualTo(7002);
        assertThat(config.rooms().roomMaxMembers()).isEqualTo(50);
        assertThat(config.accounts().autoRegister()).isFalse();
        assertThat(config.connections().slowReaderGrace()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.history()).as("not in the file: the defaults").isEqualTo(ServerConfig.defaults().history());
    }

    @Test
    void anUnknownKeyInTheConfigFileIsAnError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "prot=7001\n");
        StringWriter err = new StringWriter();
        java.io.PrintStream old = System.err;
        // Main.run reports through picocli's err writer, which defaults to System.err
        var captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            assertThat(Main.run("server", "--config", file.toString())).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(captured.toString()).contains("unknown option 'prot'", "bad.properties");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anInvalidValueIsReportedWithoutAStackTrace() {
        var captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            assertThat(Main.run("server", "--max-frame", "70000", "--port", "0")).isEqualTo(2);
            assertThat(Main.run("server", "--transport", "carrier-pigeon")).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(captured.toString()).contains("parley: max-frame must be within 64..65535")
                .contains("unknown transport 'carrier-pigeon'").doesNotContain("\tat ");
    }

    @Test
    void durationsAcceptCommonUnits() {
        assertThat(DurationConverter.parse("250ms").toMillis()).isEqualTo(250);
        assertThat(DurationConverter.parse("10s").toSeconds()).isEqualTo(10);
        assertThat(DurationConverter.parse("2m").toSeconds()).isEqualTo(120);
        assertThat(DurationConverter.parse("7").toSeconds()).isEqualTo(7);
    }

    private static ServerCommand parse(String... args) {
        CommandLine cl = new CommandLine(new Main());
        CommandLine sub = cl.getSubcommands().get("server");
        ConfigFile.install(sub.getCommandSpec(), args, java.util.Map.of());
        var result = cl.parseArgs(args);
        return (ServerCommand) result.subcommand().commandSpec().userObject();
    }
}
