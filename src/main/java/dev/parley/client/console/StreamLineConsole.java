package dev.parley.client.console;

import org.jline.terminal.Terminal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;

/**
 * A console over plain streams, for scripts and pipes: commands are read line by line, output
 * lines go to {@code out}, questions and client failures to {@code err} so {@code out} holds only
 * the conversation.
 */
public final class StreamLineConsole implements LineConsole {

    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean secretsFromTerminal;

    public StreamLineConsole(InputStream in, Charset inputCharset, PrintStream out, PrintStream err) {
        this(in, inputCharset, out, err, false);
    }

    private StreamLineConsole(InputStream in, Charset inputCharset, PrintStream out, PrintStream err,
                              boolean secretsFromTerminal) {
        this.in = new BufferedReader(new InputStreamReader(in, inputCharset));
        this.out = out;
        this.err = err;
        this.secretsFromTerminal = secretsFromTerminal;
    }

    /**
     * The console on the process's standard streams. If standard input is a terminal (only
     * standard output is redirected) a password is still read without echo.
     */
    public static StreamLineConsole standardStreams() {
        return new StreamLineConsole(System.in, Charset.defaultCharset(), System.out, System.err, true);
    }

    @Override
    public String readCommand() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read input", e);
        }
    }

    @Override
    public String ask(String question) {
        err.print(question);
        err.flush();
        return readCommand();
    }

    @Override
    public String askSecret(String question) {
        Terminal terminal = secretsFromTerminal ? TerminalLineConsole.standardInputTerminal() : null;
        if (terminal != null) {
            return TerminalLineConsole.askSecretAndClose(terminal, question);
        }
        return ask(question); // piped input is not echoed anyway
    }

    @Override
    public void println(String line) {
        out.println(line);
    }

    @Override
    public void printError(String line) {
        err.println(line);
    }

    @Override
    public boolean isInteractive() {
        return false;
    }

    @Override
    public void close() {
        out.flush();
        err.flush();
    }
}
