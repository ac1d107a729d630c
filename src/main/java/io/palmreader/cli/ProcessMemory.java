package io.palmreader.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory, Java heap and native memory together. */
final class ProcessMemory {

    private ProcessMemory() {}

    /** Resident set size in bytes from /proc (Linux), after a GC so the heap is at its settled size; -1 elsewhere. */
    static long residentBytes() {
        System.gc();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
