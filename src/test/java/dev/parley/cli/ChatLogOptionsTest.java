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
        ConfigFile.install(cl.getCommandSpec(), args, java.util.Map.of());
        cl.parseArgs(args);
        return cmd.toConfig();
    }

    @Test
    void defaults() {
        ServerConfig c = parse();
        assertThat(c.chatLog().enabled()).isTrue();
        assertThat(c.chatLog().flushInterval()).isEqualTo(Duration.ofMillis(20));
        assertThat(c.chatLog().sync()).isFalse();
        assertThat(c.chatLog().queue()).isEqualTo(100_000);
        assertThat(c.rooms().permanentRooms()).isEmpty();
        assertThat(c.history().joinHistory()).isEqualTo(20);
        assertThat(c.history().historyMax()).isEqualTo(200);
    }

    @Test
    void flags() {
        ServerConfig c = parse("--chat-log", "off", "--log-flush-interval", "2s", "--log-sync", "--log-queue", "5000",
                "--permanent-rooms", "lobby, trade", "--join-history", "5", "--history-max", "100");
        assertThat(c.chatLog().enabled()).isFalse();
        assertThat(c.chatLog().flushInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.chatLog().sync()).isTrue();
        assertThat(c.chatLog().queue()).isEqualTo(5000);
        assertThat(c.rooms().permanentRooms()).containsExactly("lobby", "trade");
        assertThat(c.history().joinHistory()).isEqualTo(5);
        assertThat(c.history().historyMax()).isEqualTo(100);
        assertThat(parse("--log-flush-interval", "7ms").chatLog().flushInterval()).isEqualTo(Duration.ofMillis(7));
    }

    @Test
    void fromAConfigFile() throws IOException {
        Path file = dir.resolve("parley.properties");
        Files.writeString(file, "permanent-rooms=lobby,trade\nlog-flush-interval=5ms\nchat-log=on\n");
        ServerConfig c = parse("--config", file.toString());
        assertThat(c.rooms().permanentRooms()).containsExactly("lobby", "trade");
        assertThat(c.chatLog().flushInterval()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void badValuesAreClearErrors() {
        assertThatThrownBy(() -> parse("--chat-log", "maybe")).hasMessageContaining("expected on or off");
        assertThatThrownBy(() -> parse("--log-flush-interval", "soon")).hasMessageContaining("bad duration");
        assertThatThrownBy(() -> parse("--log-flush-interval", "0ms")).hasMessage("log-flush-interval must be within 1ms..60s");
        assertThatThrownBy(() -> parse("--permanent-rooms", "lobby,Lobby")).hasMessageContaining("twice");
        assertThatThrownBy(() -> parse("--join-history", "300")).hasMessageStartingWith("join-history must be within 0..history-max");
        assertThatThrownBy(() -> parse("--log-queue", "10")).hasMessage("log-queue must be at least 1000");
        assertThatThrownBy(() -> ServerConfig.builder().permanentRooms(List.of(" padded")).build())
                .hasMessageContaining("white space");
    }
}
