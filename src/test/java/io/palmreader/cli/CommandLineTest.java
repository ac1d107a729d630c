package io.palmreader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command line itself: help, usage errors, and the command lines README and scripts/ write. No model runs. */
@DisplayName("palmreader's command line: help for each command, usage errors with exit 2, README and scripts in step")
class CommandLineTest {

    private static final List<String> COMMANDS =
            List.of("analyze", "bench", "batchbench", "loadgen", "run", "teach-eval");

    /** A command and its flags, as README's synopses and the scripts write them; the rest of the line is left out. */
    private static final Pattern README_CALL =
            Pattern.compile("palmreader\\.jar ([a-z][\\w-]*)([^\\n`]*(?:\\n {20,}[^\\n]*)*)");

    private static final Pattern SCRIPT_CALL =
            Pattern.compile("(?:palmreader\\.jar|palmreader\\[@]}\")\\s+([a-z][\\w-]*)((?:[^\\n]*\\\\\\n)*[^\\n]*)");
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*");

    /** Command → its declared long options, from the picocli model. */
    private static Map<String, Set<String>> declaredOptions() {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        Map<String, Set<String>> options = new TreeMap<>();
        Palmreader.commandLine(discard, discard)
                .getSubcommands()
                .forEach((name, command) -> options.put(
                        name,
                        command.getCommandSpec().options().stream()
                                .map(OptionSpec::longestName)
                                .collect(Collectors.toCollection(TreeSet::new))));
        return options;
    }

    @Test
    @DisplayName(
            "--help lists the commands on stdout, exit 0; each command's --help and -h give its options and defaults")
    void help() {
        CommandRun top = CommandRun.of("--help");
        assertEquals(0, top.exitCode(), top.err());
        for (String command : COMMANDS) {
            assertTrue(top.out().contains("  " + command + " "), () -> command + " missing from:\n" + top.out());
        }
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        for (Map.Entry<String, CommandLine> e :
                Palmreader.commandLine(discard, discard).getSubcommands().entrySet()) {
            for (String flag : List.of("--help", "-h")) {
                CommandRun run = CommandRun.of(e.getKey(), flag);
                assertEquals(0, run.exitCode(), run.err());
                String help = run.out().replaceAll("\\s+", " ");
                assertTrue(help.contains("Usage: palmreader " + e.getKey()), help);
                for (OptionSpec option : e.getValue().getCommandSpec().options()) {
                    assertTrue(
                            help.contains(option.longestName()),
                            () -> option.longestName() + " missing from:\n" + help);
                    if (option.defaultValue() != null) {
                        assertTrue(
                                help.contains("default " + option.defaultValue()),
                                () -> option.longestName() + "'s default " + option.defaultValue() + " missing from:\n"
                                        + help);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("no command prints the usage on stderr, exit 2; an unknown command is named")
    void noOrUnknownCommand() {
        CommandRun alone = CommandRun.ofArgs();
        assertEquals(2, alone.exitCode());
        assertEquals("", alone.out());
        assertTrue(alone.err().contains("Usage: palmreader"), alone.err());
        CommandRun unknown = CommandRun.ofArgs("fly");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().startsWith("palmreader: unknown command 'fly'"), unknown.err());
    }

    @Test
    @DisplayName("usage errors exit 2 with one line naming the command and what to change")
    void usageErrors() {
        for (String[] call : new String[][] {
            {"run", "extra", "palmreader run: run takes no operands, got [extra]"},
            {"run", "--port", "70000", "palmreader run: --port must be between 0 and 65535, was 70000"},
            {
                "run",
                "--config",
                "/no/such/file.json",
                "palmreader run: configuration file /no/such/file.json does not exist"
            },
            {"loadgen", "--fps", "5", "palmreader loadgen: --url is required"},
            {"bench", "--frames", "0", "x.jpg", "palmreader bench: --frames must be between 1 and 1000000, was 0"},
            {"analyze", "--threads", "300", "x.jpg", "palmreader analyze: --threads must be between 1 and 256, was 300"
            },
            {"analyze", "--engine", "fast", "x.jpg", "palmreader analyze: --engine"},
            {"analyze", "palmreader analyze: PATH is required"}
        }) {
            String expected = call[call.length - 1];
            CommandRun run = CommandRun.ofArgs(Arrays.copyOf(call, call.length - 1));
            assertEquals(2, run.exitCode(), run.err());
            assertTrue(run.err().startsWith(expected), () -> "expected '" + expected + "', got:\n" + run.err());
        }
    }

    @Test
    @DisplayName("every option README and scripts/ pass to a command is one it declares; README lists all of them")
    void readmeAndScriptsUseDeclaredOptions() throws IOException {
        Map<String, Set<String>> declared = declaredOptions();
        List<String> wrong = new ArrayList<>();
        Map<String, Set<String>> inReadme = new TreeMap<>();
        Matcher readme = README_CALL.matcher(Files.readString(Path.of("README.md")));
        while (readme.find()) {
            Set<String> flags = flags(readme.group(2));
            inReadme.computeIfAbsent(readme.group(1), k -> new TreeSet<>()).addAll(flags);
            check("README.md", readme.group(1), flags, declared, wrong);
        }
        Set<String> calledByScripts = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("scripts"))) {
            for (Path script : files.filter(f -> !f.toString().contains("node_modules"))
                    .filter(Files::isRegularFile)
                    .filter(CommandLineTest::isShellScript)
                    .toList()) {
                Matcher call = SCRIPT_CALL.matcher(Files.readString(script));
                while (call.find()) {
                    calledByScripts.add(call.group(1));
                    check(script.toString(), call.group(1), flags(call.group(2)), declared, wrong);
                }
            }
        }
        assertTrue(
                calledByScripts.containsAll(List.of("run", "loadgen", "batchbench")),
                "calls found: " + calledByScripts);
        assertEquals(List.of(), wrong);
        for (String command : COMMANDS) {
            Set<String> documented = new TreeSet<>(declared.get(command));
            documented.remove("--help");
            assertEquals(documented, inReadme.get(command), "README's synopsis of " + command);
        }
    }

    private static void check(
            String where, String command, Set<String> flags, Map<String, Set<String>> declared, List<String> wrong) {
        if (!declared.containsKey(command)) {
            wrong.add(where + ": no command " + command);
            return;
        }
        for (String flag : flags) {
            if (!declared.get(command).contains(flag)) {
                wrong.add(where + ": " + command + " has no option " + flag);
            }
        }
    }

    private static Set<String> flags(String text) {
        Set<String> flags = new TreeSet<>();
        Matcher m = FLAG.matcher(text);
        while (m.find()) {
            flags.add(m.group());
        }
        return flags;
    }

    private static boolean isShellScript(Path file) {
        try {
            return Files.readString(file).startsWith("#!/usr/bin/env bash");
        } catch (IOException e) {
            return false; // not text
        }
    }
}
