package io.palmreader.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** The single entry point of {@code palmreader.jar}: {@code analyze}, {@code bench}, {@code batchbench}, {@code loadgen}, {@code run}. */
public final class Palmreader {

  static final String USAGE = """
      usage: java -jar palmreader.jar COMMAND [OPTIONS]

      commands:
        analyze PATH...   find hands and gestures in images, folders and videos; one JSON object per line
        bench PATH...     measure the pipeline on photos (per-stage percentiles, frames/s, memory)
        batchbench PATH...
                          measure batched inference as a GPU (or CPU) worker runs it, per batch limit and
                          precision; optionally the landmarks' agreement with the CPU
        loadgen           drive a server with N WebSocket sessions at F fps; answered fps, drops, latency percentiles
        run               start a server node: the browser client, WebSocket sessions, inference workers

      'java -jar palmreader.jar COMMAND --help' describes a command's options.
      """;

  private Palmreader() {
  }

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
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (args[0]) {
        case "analyze" -> new AnalyzeCommand(out, err).run(rest);
        case "bench" -> new BenchCommand(out, err).run(rest);
        case "batchbench" -> new BatchBenchCommand(out, err).run(rest);
        case "loadgen" -> new LoadgenCommand(out, err).run(rest);
        case "run" -> new RunCommand(out, err).run(rest);
        default -> {
          err.println("palmreader: unknown command '" + args[0] + "'");
          err.print(USAGE);
          yield 2;
        }
      };
    } catch (UsageException e) {
      err.println("palmreader " + args[0] + ": " + e.getMessage());
      return 2;
    }
  }
}
