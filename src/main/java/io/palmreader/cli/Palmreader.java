package io.palmreader.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The single entry point of {@code palmreader.jar}: {@code analyze}, {@code bench}, {@code batchbench},
 * {@code loadgen}, {@code run}. Exit codes: 0 done, 1 failed (a file, a model, a server), 2 a usage error, and
 * {@code batchbench --compare-cpu}'s 3.
 */
@Command(
        name = "palmreader",
        sortOptions = false,
        sortSynopsis = false,
        description = "Hands, gestures and vision AI: the server and the tools that measure it.",
        footer = "%n'palmreader COMMAND --help' describes a command's options.")
public final class Palmreader implements Callable<Integer> {

    /** A command line that cannot be run as given. */
    static final int USAGE_ERROR = 2;

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    private Palmreader() {}

    public static void main(String[] args) {
        quietNativeLogs();
        System.exit(run(args, System.out, System.err));
    }

    /** JavaCPP and FFmpeg print stream details to stderr by default; keep stderr for progress and errors. */
    static void quietNativeLogs() {
        System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        try {
            org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
        } catch (LinkageError e) {
            // FFmpeg only reads videos; a bundle packed for serving (scripts/gpu-bundle) leaves its libraries out.
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine commandLine = commandLine(out, err);
        try {
            return commandLine.execute(args);
        } finally {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
        }
    }

    /** {@code palmreader} and its commands, printing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        return new CommandLine(new Palmreader())
                .addSubcommand(new AnalyzeCommand(out, err))
                .addSubcommand(new BenchCommand(out, err))
                .addSubcommand(new BatchBenchCommand(out, err))
                .addSubcommand(new LoadgenCommand(out, err))
                .addSubcommand(new RunCommand(out, err))
                .addSubcommand(new TeachEvalCommand(out, err))
                // Set after the subcommands are added: picocli hands these settings down only to those already there.
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                // As before picocli: an option given twice takes its last value.
                .setOverwrittenOptionsAllowed(true)
                .setParameterExceptionHandler(Palmreader::usageError);
    }

    /** {@code palmreader} alone: what the commands are, on stderr, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE_ERROR;
    }

    /**
     * Every usage error, from parsing or from a command that checks its values: one line naming the command and what
     * to change, then where the options are described (the whole usage for {@code palmreader} itself).
     */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(name + ": " + message(e));
        if (command.getParent() == null) {
            command.usage(err);
        } else {
            err.println("'" + name + " --help' describes its options.");
        }
        return USAGE_ERROR;
    }

    private static String message(ParameterException e) {
        CommandLine command = e.getCommandLine();
        if (e instanceof UnmatchedArgumentException unmatched
                && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            if (first.startsWith("-")) {
                return "unknown option " + first;
            }
            return command.getParent() == null
                    ? "unknown command '" + first + "'"
                    : command.getCommandName() + " takes no operands, got " + unmatched.getUnmatched();
        }
        if (e instanceof MissingParameterException missing
                && !missing.getMissing().isEmpty()) {
            ArgSpec arg = missing.getMissing().get(0);
            return (arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel()) + " is required";
        }
        return e.getMessage();
    }
}
