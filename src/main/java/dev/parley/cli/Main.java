package dev.parley.cli;

import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The {@code parley} command line: one executable jar, one subcommand per tool. */
@Command(name = "parley",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        usageHelpWidth = 100,
        description = "Parley: a room-based real-time chat server for game backends.",
        subcommands = {ServerCommand.class, ClientCommand.class, LoadgenCommand.class, BenchCommand.class,
                TokenCommand.class,
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

    /**
     * {@code parley --version}: the project version, git commit and build time that the build wrote
     * into {@code version.properties} (pom.xml filters it). Runs on the caller's thread. A value the
     * build could not know (no {@code .git}; run from an IDE without Maven) reads "unknown".
     */
    static final class Version implements CommandLine.IVersionProvider {
        static final String RESOURCE = "version.properties";
        static final String UNKNOWN = "unknown";

        @Override
        public String[] getVersion() {
            Properties p = load();
            return new String[]{
                    "parley " + value(p, "version") + " (commit " + value(p, "commit") + ", built "
                            + value(p, "built") + ")",
                    "JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")};
        }

        static Properties load() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream(RESOURCE)) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // an unreadable resource is the same as none: every value reads "unknown"
            }
            return p;
        }

        /** The value, or "unknown" when missing, blank or left unfiltered ({@code ${...}}). */
        static String value(Properties p, String key) {
            String v = p.getProperty(key, "").trim();
            return v.isEmpty() || v.contains("${") ? UNKNOWN : v;
        }
    }
}
