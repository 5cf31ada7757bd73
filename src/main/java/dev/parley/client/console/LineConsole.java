package dev.parley.client.console;

/**
 * Where the console client reads the user's lines and shows its output: a terminal with line
 * editing ({@link TerminalLineConsole}) or plain streams for scripts ({@link StreamLineConsole}).
 * The output methods are called from the network thread while another thread reads input.
 */
public interface LineConsole extends AutoCloseable {

    /** The next command line, or null when input has ended (end of file, Ctrl-D, Ctrl-C). */
    String readCommand();

    /** Asks the user a question (e.g. the player name); null when input has ended. */
    String ask(String question);

    /** Like {@link #ask}, but what the user types is not echoed. */
    String askSecret(String question);

    /** Shows one line of output without disturbing the line being typed. */
    void println(String line);

    /** Shows one line about a failure of the client itself (cannot connect, connection lost). */
    void printError(String line);

    /**
     * True when a person types at a terminal: commands are sent as typed, without waiting. False
     * for scripted input: each command waits for its reply so the output is deterministic.
     */
    boolean isInteractive();

    @Override
    void close();
}
