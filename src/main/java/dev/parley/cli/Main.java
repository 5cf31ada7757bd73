package dev.parley.cli;

import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code parley} command line: one executable jar, one subcommand per tool. */
@Command(name = "parley",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        usageHelpWidth = 100,
        description = "Parley: a room-based real-time chat server for game backends.",
        subcommands = {ServerCommand.class, ClientCommand.class, LoadgenCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests and {@link #main}). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof java.io.IOException) {
                // configuration and environment errors: one clear line (a driver's message may
                // span several), the stack trace only at debug level
                String line = String.valueOf(ex.getMessage()).replaceAll("\\s*\\R\\s*", " ");
                commandLine.getErr().println(commandLine.getColorScheme().errorText("parley: " + line));
                LoggerFactory.getLogger(Main.class).debug("startup failure", ex);
                return 2;
            }
            throw ex;
        });
        if (args.length > 0) {
            CommandLine sub = cl.getSubcommands().get(args[0]);
            if (sub != null && sub.getCommandSpec().findOption("--config") != null) {
                try {
                    ConfigFile.install(sub.getCommandSpec(), args);
                } catch (CommandLine.ParameterException e) {
                    cl.getErr().println("parley: " + e.getMessage());
                    return 2;
                }
            }
        }
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"parley " + (v == null ? "dev" : v),
                    "JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")};
        }
    }
}
