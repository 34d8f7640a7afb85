package dev.pingscope.cli;

import java.io.PrintWriter;

/** Entry point: reads the command line and the environment, then runs the chosen command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = Cli.commandLine(System.getenv(), out, err).execute(args);
        System.exit(status);
    }
}
