package dev.parley.cli;

import dev.parley.logging.LogFormat;
import dev.parley.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code PARLEY_<OPTION>} variables and their place in the order flags > environment > file > defaults. */
class EnvironmentOptionsTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private ServerConfig parse(Map<String, String> env, String... args) {
        ServerCommand cmd = new ServerCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setErr(new PrintWriter(err));
        ConfigFile.install(cl.getCommandSpec(), args, env);
        cl.parseArgs(args);
        return cmd.toConfig();
    }

    private Path configFile(String text) throws IOException {
        Path file = dir.resolve("parley.properties");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theVariableIsTheOptionNameUpperCasedWithUnderscores() {
        var spec = new CommandLine(new ServerCommand()).getCommandSpec();
        assertThat(EnvironmentOptions.variable(spec.findOption("--room-max-members"))).isEqualTo("PARLEY_ROOM_MAX_MEMBERS");
        assertThat(EnvironmentOptions.variable(spec.findOption("--port"))).isEqualTo("PARLEY_PORT");
    }

    @Test
    void aFlagOverridesTheEnvironment() {
        ServerConfig config = parse(Map.of("PARLEY_PORT", "7001", "PARLEY_ROOM_MAX_MEMBERS", "500"), "--port", "7002");
        assertThat(config.network().port()).isEqualTo(7002);
        assertThat(config.rooms().roomMaxMembers()).isEqualTo(500);
    }

    @Test
    void theEnvironmentOverridesTheConfigFile() throws IOException {
        Path file = configFile("port=7001\nroom-max-members=50\n");
        ServerConfig config = parse(Map.of("PARLEY_PORT", "7003"), "--config", file.toString());
        assertThat(config.network().port()).isEqualTo(7003);
        assertThat(config.rooms().roomMaxMembers()).as("only in the file").isEqualTo(50);
    }

    @Test
    void theConfigFileOverridesTheDefaults() throws IOException {
        Path file = configFile("max-rooms=77\n");
        ServerConfig config = parse(Map.of(), "--config", file.toString());
        assertThat(config.rooms().maxRooms()).isEqualTo(77).isNotEqualTo(ServerConfig.Rooms.DEFAULT_MAX_ROOMS);
        assertThat(config.network()).as("set nowhere: the defaults").isEqualTo(ServerConfig.defaults().network());
    }

    @Test
    void allFourSourcesAtOnce() throws IOException {
        Path file = configFile("port=7001\nroom-max-members=50\nmax-rooms=60\n");
        ServerConfig config = parse(Map.of("PARLEY_PORT", "7002", "PARLEY_ROOM_MAX_MEMBERS", "70"),
                "--config", file.toString(), "--port", "7003");
        assertThat(config.network().port()).isEqualTo(7003);
        assertThat(config.rooms().roomMaxMembers()).isEqualTo(70);
        assertThat(config.rooms().maxRooms()).isEqualTo(60);
        assertThat(config.rooms().maxChatBytes()).isEqualTo(ServerConfig.Rooms.DEFAULT_MAX_CHAT_BYTES);
    }

    @Test
    void theConfigFileMayBeNamedInTheEnvironment() throws IOException {
        Path file = configFile("max-rooms=77\n");
        assertThat(parse(Map.of("PARLEY_CONFIG", file.toString())).rooms().maxRooms()).isEqualTo(77);
    }

    @Test
    void booleansThroughTheEnvironmentAndAFlagStillOverrides() {
        assertThat(ServerConfig.Accounts.DEFAULT_AUTO_REGISTER).isTrue();
        assertThat(parse(Map.of("PARLEY_AUTO_REGISTER", "false")).accounts().autoRegister()).isFalse();
        assertThat(parse(Map.of("PARLEY_AUTO_REGISTER", "false"), "--auto-register").accounts().autoRegister()).isTrue();
        assertThat(ServerConfig.ChatLogSettings.DEFAULT_SYNC).isFalse();
        assertThat(parse(Map.of("PARLEY_LOG_SYNC", "true")).chatLog().sync()).isTrue();
    }

    @Test
    void aDurationThroughTheEnvironment() {
        ServerConfig config = parse(Map.of("PARLEY_SLOW_READER_GRACE", "250ms", "PARLEY_IDLE_TIMEOUT", "2m"));
        assertThat(config.connections().slowReaderGrace()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.connections().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void roomsPerPlayerAndTheDedupWindowByFlagOrEnvironment() {
        ServerConfig defaults = parse(Map.of());
        assertThat(defaults.rooms().maxRoomsPerPlayer()).isEqualTo(ServerConfig.Rooms.DEFAULT_MAX_ROOMS_PER_PLAYER);
        assertThat(defaults.rooms().dedupWindow()).isEqualTo(ServerConfig.Rooms.DEFAULT_DEDUP_WINDOW);
        ServerConfig flags = parse(Map.of(), "--max-rooms-per-player", "3", "--dedup-window", "0");
        assertThat(flags.rooms().maxRoomsPerPlayer()).isEqualTo(3);
        assertThat(flags.rooms().dedupWindow()).isZero();
        ServerConfig env = parse(Map.of("PARLEY_MAX_ROOMS_PER_PLAYER", "4", "PARLEY_DEDUP_WINDOW", "90s"));
        assertThat(env.rooms().maxRoomsPerPlayer()).isEqualTo(4);
        assertThat(env.rooms().dedupWindow()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void theDrainAndTheLogFormatLikeEveryOption() {
        assertThat(parse(Map.of()).drain()).isEqualTo(ServerConfig.DEFAULT_DRAIN).isEqualTo(Duration.ofSeconds(5));
        assertThat(parse(Map.of("PARLEY_DRAIN", "1500ms")).drain()).isEqualTo(Duration.ofMillis(1500));
        assertThat(parse(Map.of("PARLEY_DRAIN", "1500ms"), "--drain", "0").drain()).isZero();

        ServerCommand cmd = new ServerCommand();
        CommandLine cl = new CommandLine(cmd);
        ConfigFile.install(cl.getCommandSpec(), new String[0], Map.of("PARLEY_LOG_FORMAT", "json"));
        cl.parseArgs();
        assertThat(cmd.logFormat).isEqualTo(LogFormat.JSON);
        ServerCommand byFlag = new ServerCommand();
        new CommandLine(byFlag).parseArgs("--log-format", "JSON");
        assertThat(byFlag.logFormat).isEqualTo(LogFormat.JSON);
        ServerCommand byDefault = new ServerCommand();
        new CommandLine(byDefault).parseArgs();
        assertThat(byDefault.logFormat).isEqualTo(LogFormat.TEXT);
        assertThatThrownBy(() -> new CommandLine(new ServerCommand()).parseArgs("--log-format", "xml"))
                .hasMessageContaining("expected text or json");
    }

    @Test
    void aListThroughTheEnvironment() {
        assertThat(parse(Map.of("PARLEY_PERMANENT_ROOMS", "lobby,trade")).rooms().permanentRooms())
                .isEqualTo(List.of("lobby", "trade"));
    }

    @Test
    void aSecretThroughTheEnvironment() {
        assertThat(parse(Map.of("PARLEY_DB_PASSWORD", "s3cret ")).storage().dbPassword()).isEqualTo("s3cret");
    }

    @Test
    void anUnknownParleyVariableIsOneWarningLineAndOtherwiseIgnored() {
        ServerConfig config = parse(Map.of("PARLEY_PROT", "7001", "PARLEY_ROOM_MAX_MEMBRES", "5",
                "PARLEY_LOG_LEVEL", "DEBUG", "PARLEY_PORT", "7004", "OTHER_PROT", "1"));
        assertThat(config.network().port()).isEqualTo(7004);
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .contains("warning", "PARLEY_PROT", "PARLEY_ROOM_MAX_MEMBRES")
                .doesNotContain("PARLEY_LOG_LEVEL", "PARLEY_PORT", "OTHER_PROT");
    }

    @Test
    void knownVariablesGiveNoWarning() {
        parse(Map.of("PARLEY_PORT", "7004", "PARLEY_LOG_LEVEL", "DEBUG"));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void helpAndVersionAreNotSetFromTheEnvironment() {
        ServerCommand cmd = new ServerCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.setErr(new PrintWriter(err));
        ConfigFile.install(cl.getCommandSpec(), new String[0], Map.of("PARLEY_HELP", "true"));
        assertThat(cl.parseArgs().isUsageHelpRequested()).isFalse();
        assertThat(err.toString()).contains("PARLEY_HELP");
    }

    @Test
    void aBadValueInTheEnvironmentIsAnError() {
        assertThatThrownBy(() -> parse(Map.of("PARLEY_PORT", "seven")))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("seven");
    }

    @Test
    void helpShowsTheDefaultsWithoutAnEnvironmentAndTheEnvironmentsValueWithOne() {
        String plain = help(Map.of());
        assertThat(plain).contains("default: 7777", "PARLEY_<OPTION>");
        assertThat(roomMaxMembers(plain)).contains("default: 1000");
        String withEnv = help(Map.of("PARLEY_ROOM_MAX_MEMBERS", "500"));
        assertThat(withEnv).contains("default: 7777");
        assertThat(roomMaxMembers(withEnv)).contains("default: 500").doesNotContain("default: 1000");
    }

    /** The help text of --room-max-members. */
    private static String roomMaxMembers(String help) {
        int start = help.indexOf("\n      --room-max-members");
        return help.substring(start, help.indexOf("\n      --max-rooms", start));
    }

    private static String help(Map<String, String> env) {
        CommandLine cl = new CommandLine(new ServerCommand());
        ConfigFile.install(cl.getCommandSpec(), new String[]{"--help"}, env);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--help")).isZero();
        return out.toString();
    }
}
