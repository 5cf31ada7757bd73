package dev.parley.cli;

import dev.parley.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chat log and history options of {@code parley server}. */
class ChatLogOptionsTest {

    @TempDir
    Path dir;

    static ServerConfig parse(String... args) {
        ServerCommand cmd = new ServerCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        ConfigFile.install(cl.getCommandSpec(), args);
        cl.parseArgs(args);
        return cmd.toConfig();
    }

    @Test
    void defaults() {
        ServerConfig c = parse();
        assertThat(c.chatLog).isTrue();
        assertThat(c.logFlushInterval).isEqualTo(Duration.ofMillis(20));
        assertThat(c.logSync).isFalse();
        assertThat(c.logQueue).isEqualTo(100_000);
        assertThat(c.permanentRooms).isEmpty();
        assertThat(c.joinHistory).isEqualTo(20);
        assertThat(c.historyMax).isEqualTo(200);
        c.validate();
    }

    @Test
    void flags() {
        ServerConfig c = parse("--chat-log", "off", "--log-flush-interval", "2s", "--log-sync", "--log-queue", "5000",
                "--permanent-rooms", "lobby, trade", "--join-history", "5", "--history-max", "100");
        assertThat(c.chatLog).isFalse();
        assertThat(c.logFlushInterval).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.logSync).isTrue();
        assertThat(c.logQueue).isEqualTo(5000);
        assertThat(c.permanentRooms).containsExactly("lobby", "trade");
        assertThat(c.joinHistory).isEqualTo(5);
        assertThat(c.historyMax).isEqualTo(100);
        c.validate();
        assertThat(parse("--log-flush-interval", "7ms").logFlushInterval).isEqualTo(Duration.ofMillis(7));
    }

    @Test
    void fromAConfigFile() throws IOException {
        Path file = dir.resolve("parley.properties");
        Files.writeString(file, "permanent-rooms=lobby,trade\nlog-flush-interval=5ms\nchat-log=on\n");
        ServerConfig c = parse("--config", file.toString());
        assertThat(c.permanentRooms).containsExactly("lobby", "trade");
        assertThat(c.logFlushInterval).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void badValuesAreClearErrors() {
        assertThatThrownBy(() -> parse("--chat-log", "maybe")).hasMessageContaining("expected on or off");
        assertThatThrownBy(() -> parse("--log-flush-interval", "soon")).hasMessageContaining("bad duration");
        assertThatThrownBy(() -> parse("--log-flush-interval", "0ms").validate()).hasMessageContaining("--log-flush-interval");
        assertThatThrownBy(() -> parse("--permanent-rooms", "lobby,Lobby").validate()).hasMessageContaining("twice");
        assertThatThrownBy(() -> parse("--join-history", "300").validate()).hasMessageContaining("--join-history");
        assertThatThrownBy(() -> parse("--log-queue", "10").validate()).hasMessageContaining("--log-queue");
        ServerConfig c = new ServerConfig();
        c.permanentRooms = List.of(" padded");
        assertThatThrownBy(c::validate).hasMessageContaining("white space");
    }
}
