package dev.parley.client.console;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.lang.reflect.Method;

/**
 * A console on the user's terminal with JLine: line editing and history for commands, and
 * {@link LineReader#printAbove printAbove} for output, so a message that arrives while the user
 * types appears above the prompt instead of in the middle of the half-typed line.
 */
public final class TerminalLineConsole implements LineConsole {

    private static final String PROMPT = "> ";

    private final Terminal terminal;
    private final LineReader reader;

    private TerminalLineConsole(Terminal terminal) {
        this.terminal = terminal;
        this.reader = newReader(terminal);
    }

    /** Opens the system terminal; call only when {@link #isSystemTerminal()} holds. */
    public static TerminalLineConsole open() throws IOException {
        return new TerminalLineConsole(TerminalBuilder.builder().system(true).name("parley").build());
    }

    /** True when both standard input and standard output are a terminal. */
    public static boolean isSystemTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // From Java 22 System.console() exists even when redirected; isTerminal() tells.
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Java 17-21: a console exists only when both are a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /**
     * The terminal that standard input is, writing to standard error, so it works while
     * standard output is redirected; null when standard input is not a terminal.
     */
    static Terminal standardInputTerminal() {
        try {
            return TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysErr)
                    .dumb(false).build();
        } catch (IOException | IllegalStateException e) {
            return null;
        }
    }

    /** Asks {@code question} on {@code terminal} without echo, then closes it; null when input ended. */
    static String askSecretAndClose(Terminal terminal, String question) {
        try (terminal) {
            return read(newReader(terminal), question, LineReaderImpl.NULL_MASK);
        } catch (IOException e) {
            return null;
        }
    }

    private static LineReader newReader(Terminal terminal) {
        return LineReaderBuilder.builder().terminal(terminal).appName("parley")
                // chat is sent as typed: no !-history expansion, no backslash escapes
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
    }

    @Override
    public String readCommand() {
        return read(reader, PROMPT, null);
    }

    @Override
    public String ask(String question) {
        // A reader of its own, so answers (above all a password) stay out of the command history.
        return read(newReader(terminal), question, null);
    }

    @Override
    public String askSecret(String question) {
        return read(newReader(terminal), question, LineReaderImpl.NULL_MASK);
    }

    private static String read(LineReader r, String prompt, Character mask) {
        try {
            return r.readLine(prompt, mask);
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        }
    }

    @Override
    public void println(String line) {
        reader.printAbove(line);
    }

    @Override
    public void printError(String line) {
        reader.printAbove(line);
    }

    @Override
    public boolean isInteractive() {
        return true;
    }

    @Override
    public void close() {
        if (reader.isReading()) {
            // The session ended under a half-typed line (the server went away): leave it on a line of its own.
            terminal.writer().println();
            terminal.flush();
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // the process is ending; nothing useful to do with it
        }
    }
}
