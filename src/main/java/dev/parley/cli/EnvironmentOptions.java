package dev.parley.cli;

import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Options from the environment: {@code PARLEY_<OPTION>}, the long option name upper-cased with
 * dashes as underscores ({@code PARLEY_ROOM_MAX_MEMBERS=500}, {@code PARLEY_DB_PASSWORD=...}).
 * It sits between the command line and the {@code --config} file: flags override it, it
 * overrides the file, and the file overrides the defaults.
 *
 * <p>A {@code PARLEY_} variable that names no option is reported on one warning line and
 * otherwise ignored, unlike an unknown key in the config file: a config file is read by Parley
 * alone, but the environment is shared with the rest of a container or shell, where other tools
 * and scripts (and Parley's own {@code PARLEY_LOG_LEVEL}, read by logback) may set
 * {@code PARLEY_*} names, and failing the start on them would be a trap. Used on the thread that
 * parses the command line.
 */
final class EnvironmentOptions implements CommandLine.IDefaultValueProvider {

    static final String PREFIX = "PARLEY_";
    /** {@code PARLEY_*} variables Parley reads elsewhere, so not unknown. */
    private static final Set<String> READ_ELSEWHERE = Set.of("PARLEY_LOG_LEVEL");

    private final Map<String, String> environment;
    /** The provider beneath: the config file, or the command's own defaults; may be null. */
    private final CommandLine.IDefaultValueProvider fallback;

    private EnvironmentOptions(Map<String, String> environment, CommandLine.IDefaultValueProvider fallback) {
        this.environment = environment;
        this.fallback = fallback;
    }

    /** The variable for an option: {@code --room-max-members} is {@code PARLEY_ROOM_MAX_MEMBERS}. */
    static String variable(OptionSpec option) {
        return PREFIX + ConfigFile.key(option).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * Installs {@code environment} as the default value provider of {@code spec}, above the one
     * it has, and warns on {@code spec}'s error stream of each {@code PARLEY_} variable that
     * names no option.
     */
    static void install(CommandSpec spec, Map<String, String> environment) {
        Set<String> known = new TreeSet<>(READ_ELSEWHERE);
        for (OptionSpec option : spec.options()) {
            if (settable(option)) {
                known.add(variable(option));
            }
        }
        Set<String> unknown = new TreeSet<>();
        for (String name : environment.keySet()) {
            if (name.startsWith(PREFIX) && !known.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("parley: warning: ignoring environment variables that name no " + spec.name()
                    + " option: " + String.join(", ", unknown));
            err.flush();
        }
        spec.defaultValueProvider(new EnvironmentOptions(Map.copyOf(environment), spec.defaultValueProvider()));
    }

    /** Whether the environment may set {@code option}: any but --help and --version. */
    private static boolean settable(OptionSpec option) {
        return !option.usageHelp() && !option.versionHelp() && option.longestName().startsWith("--");
    }

    /** The value the environment gives {@code option}, or null. */
    String value(OptionSpec option) {
        String value = environment.get(variable(option));
        return value == null ? null : value.trim();
    }

    @Override
    public String defaultValue(ArgSpec argSpec) throws Exception {
        if (argSpec instanceof OptionSpec option && settable(option)) {
            String value = value(option);
            if (value != null) {
                return value;
            }
        }
        return fallback != null ? fallback.defaultValue(argSpec) : argSpec.defaultValue();
    }
}
