package io.palmreader.cli;

import picocli.CommandLine.Option;

/** {@code -h} / {@code --help} on {@code palmreader} and on each of its commands: the usage on stdout, exit 0. */
final class HelpOption {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help and exit")
    boolean requested;
}
