package dev.parley.cli;

import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Options from a properties file ({@code --config FILE}, or {@code PARLEY_CONFIG=FILE}): each key
 * is a long option name without its dashes ({@code port=7777}, {@code data-dir=/var/lib/parley}).
 * {@link #install} also layers the environment ({@link EnvironmentOptions}) above it, giving the
 * order flags &gt; environment &gt; file &gt; the command's own defaults. An unknown key is an
 * error, so a typo is not silently ignored. Used on the thread that parses the command line.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {

    private final Properties properties;
    /** The command's own default value provider, or null. */
    private final CommandLine.IDefaultValueProvider fallback;

    private ConfigFile(Properties properties, CommandLine.IDefaultValueProvider fallback) {
        this.properties = properties;
        this.fallback = fallback;
    }

    /** The key of an option: its long name without the dashes. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^--", "");
    }

    /** {@link #install(CommandSpec, String[], Map)} with the process environment. */
    static void install(CommandSpec spec, String[] args) {
        install(spec, args, System.getenv());
    }

    /**
     * Installs the option sources beneath the command line as {@code spec}'s default value
     * provider: the config file named by {@code --config FILE} (or {@code --config=FILE}) in
     * {@code args}, else by the environment, if any; above it {@code environment}.
     */
    static void install(CommandSpec spec, String[] args, Map<String, String> environment) {
        installFile(spec, args, environment);
        EnvironmentOptions.install(spec, environment);
    }

    private static void installFile(CommandSpec spec, String[] args, Map<String, String> environment) {
        Path file = null;
        OptionSpec configOption = spec.findOption("--config");
        String fromEnvironment = configOption == null ? null : environment.get(EnvironmentOptions.variable(configOption));
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            file = Path.of(fromEnvironment.trim());
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[i + 1]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            }
        }
        if (file == null) {
            return;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot read config file " + file + ": " + e);
        }
        for (String key : p.stringPropertyNames()) {
            OptionSpec option = spec.findOption("--" + key);
            if (option == null || key.equals("config")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown option '" + key + "' in config file " + file);
            }
        }
        spec.defaultValueProvider(new ConfigFile(p, spec.defaultValueProvider()));
    }

    @Override
    public String defaultValue(ArgSpec argSpec) throws Exception {
        if (argSpec instanceof OptionSpec option) {
            String value = properties.getProperty(key(option));
            if (value != null) {
                return value.trim();
            }
        }
        return fallback != null ? fallback.defaultValue(argSpec) : argSpec.defaultValue();
    }
}
