package dev.parley.cli;

import dev.parley.launch.ReadyFile;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code parley server}: defaults from the config constants, and the ready file. */
class ServerCommandTest {

    @TempDir
    Path dir;

    private static ServerCommand parsed(String... args) {
        ServerCommand cmd = new ServerCommand();
        CommandLine cl = new CommandLine(cmd);
        ConfigFile.install(cl.getCommandSpec(), args, Map.of());
        cl.parseArgs(args);
        return cmd;
    }

    @Test
    void noFlagsGiveTheConfigDefaults() {
        assertThat(parsed().toConfig()).isEqualTo(ServerConfig.defaults());
        assertThat(parsed("--no-auto-register").toConfig().accounts().autoRegister()).isFalse();
        assertThat(parsed("--auto-register").toConfig().accounts().autoRegister()).isTrue();
        assertThat(parsed("--log-sync").toConfig().chatLog().sync()).isTrue();
    }

    @Test
    void everyDefaultBelongsToAnOptionAndEveryDocumentedDefaultHasOne() {
        CommandLine.Model.CommandSpec spec = new CommandLine(new ServerCommand()).getCommandSpec();
        for (String key : ServerDefaults.DEFAULTS.keySet()) {
            assertThat(spec.findOption("--" + key)).as("option for default key " + key).isNotNull();
        }
        for (OptionSpec option : spec.options()) {
            if (String.join(" ", option.description()).contains("${DEFAULT-VALUE}")) {
                assertThat(ServerDefaults.DEFAULTS).as("default of " + option.longestName())
                        .containsKey(ConfigFile.key(option));
            }
        }
    }

    @Test
    void tlsOptionsReachTheConfig() {
        ServerConfig.Tls tls = parsed("--tls-cert", "/etc/parley/cert.pem", "--tls-key", "/etc/parley/key.pem",
                "--tls-reload-interval", "30s").toConfig().tls();
        assertThat(tls.cert()).isEqualTo(Path.of("/etc/parley/cert.pem"));
        assertThat(tls.key()).isEqualTo(Path.of("/etc/parley/key.pem"));
        assertThat(tls.reloadInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(parsed("--tls-self-signed").toConfig().tls().selfSigned()).isTrue();
    }

    @Test
    void durationsAreWrittenAsTheConverterReadsThem() {
        for (String d : new String[]{"5s", "20ms", "10s", "1500ms", "5m", "90s"}) {
            assertThat(ServerDefaults.duration(DurationConverter.parse(d))).isEqualTo(d);
        }
    }

    @Test
    void theReadyFileNamesTheListeningPortsAndThisProcess() throws Exception {
        Path ready = dir.resolve("run").resolve("ready");
        ServerCommand cmd = parsed("--host", "127.0.0.1", "--port", "0", "--admin-port", "0", "--ws-port", "0", "--io-threads", "1",
                "--password-iterations", "1000", "--data-dir", dir.resolve("data").toString(),
                "--ready-file", ready.toString());
        try (ParleyServer server = cmd.start()) {
            ReadyFile r = ReadyFile.read(ready);
            assertThat(r.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(r.clientPort()).isEqualTo(server.address().getPort()).isPositive();
            assertThat(r.adminPort()).isEqualTo(server.adminAddress().getPort());
            assertThat(r.transport()).isEqualTo(server.transport().cliName());
        }
        Files.delete(ready);
        cmd = parsed("--host", "127.0.0.1", "--port", "0", "--admin-port", "-1", "--ws-port", "-1", "--io-threads", "1",
                "--data-dir", dir.resolve("data").toString(), "--ready-file", ready.toString());
        try (ParleyServer server = cmd.start()) {
            assertThat(ReadyFile.read(ready).hasAdminPort()).isFalse();
        }
    }
}
