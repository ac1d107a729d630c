package io.palmreader.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The wire protocol as docs/asyncapi.yaml describes it, as a validator: a JSON message is checked against the payload
 * schema of the message its {@code type} names. Client messages are those of the document's {@code receive}
 * operations, server messages those of its {@code send} operations; the binary frame is neither (it is checked by its
 * header layout). Tests hold every message they receive to it ({@code SessionClient}), so that the document cannot
 * drift from the server.
 *
 * <p>The payloads are JSON Schema draft 07 (AsyncAPI's default schema format); their {@code $ref}s point into the
 * document's {@code components/schemas}.
 */
public final class ProtocolSchema {

    /** The document, relative to the project's root, where Maven runs the tests. */
    public static final Path DOCUMENT = Path.of("docs", "asyncapi.yaml");

    /** Where the tests' JVM records, as it exits, the server messages tests received and checked. */
    public static final Path RECEIVED_RECORD = Path.of("target", "protocol-messages-received.json");

    /** The most characters of an offending message a failure quotes: a {@code hands} message runs to kilobytes. */
    private static final int MAX_QUOTE_CHARS = 600;

    private final Path file;
    private final JsonObject document;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final Map<String, String> componentByType = new LinkedHashMap<>();
    private final Map<String, Validator> validators = new LinkedHashMap<>();
    private final Set<String> clientTypes = new TreeSet<>();
    private final Set<String> serverTypes = new TreeSet<>();
    private String binaryMessage;
    /** Server messages tests received from a socket and found on the protocol, by type. */
    private final Map<String, LongAdder> received = new ConcurrentSkipListMap<>();

    private enum Kind {
        CLIENT,
        SERVER
    }

    private static final class Holder {
        static final ProtocolSchema INSTANCE = load(DOCUMENT);

        static {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> INSTANCE.recordReceived(RECEIVED_RECORD), "protocol-record"));
        }
    }

    private ProtocolSchema(Path file, JsonObject document) {
        this.file = file;
        this.document = document;
        JsonObject operations = document.getJsonObject("operations", new JsonObject());
        for (String operation : operations.fieldNames()) {
            JsonObject op = operations.getJsonObject(operation);
            Kind kind = switch (op.getString("action", "")) {
                case "receive" -> Kind.CLIENT;
                case "send" -> Kind.SERVER;
                default ->
                    throw new IllegalStateException(
                            file + ": operation " + operation + " has no action send or receive");
            };
            for (Object ref : op.getJsonArray("messages", new JsonArray())) {
                register(kind, ((JsonObject) ref).getString("$ref"), operation);
            }
        }
        if (binaryMessage == null) {
            throw new IllegalStateException(file + ": no receive operation takes the binary frame");
        }
    }

    /** The project's docs/asyncapi.yaml, read once. */
    public static ProtocolSchema get() {
        return Holder.INSTANCE;
    }

    /** Reads an AsyncAPI document and builds a validator for each of its JSON messages. */
    public static ProtocolSchema load(Path file) {
        try {
            Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            return new ProtocolSchema(file, new JsonObject(Json.encode(yaml)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    private void register(Kind kind, String ref, String operation) {
        String component = componentName(ref);
        JsonObject message = component(component);
        JsonObject payload = message.getJsonObject("payload");
        if ("binary".equals(payload.getString("format"))) {
            if (kind != Kind.CLIENT) {
                throw new IllegalStateException(file + ": only clients send binary messages, not " + operation);
            }
            binaryMessage = component;
            return;
        }
        String type = payload.getJsonObject("properties", new JsonObject())
                .getJsonObject("type", new JsonObject())
                .getString("const");
        if (type == null) {
            throw new IllegalStateException(file + ": message " + component + " has no const 'type' property");
        }
        Kind before = kinds.putIfAbsent(type, kind);
        if (before != null && before != kind) {
            throw new IllegalStateException(file + ": type '" + type + "' is both a client and a server message");
        }
        if (before == null) {
            componentByType.put(type, component);
            validators.put(type, validator(payload));
            (kind == Kind.CLIENT ? clientTypes : serverTypes).add(type);
        }
    }

    /** The component message a channel's message reference ends at (a channel's messages refer to components). */
    private String componentName(String ref) {
        JsonObject target = resolve(ref);
        String next = target.getString("$ref");
        if (next != null) {
            return componentName(next);
        }
        String prefix = "#/components/messages/";
        if (!ref.startsWith(prefix)) {
            throw new IllegalStateException(file + ": " + ref + " is not a component message");
        }
        return ref.substring(prefix.length());
    }

    /** What a local reference ({@code #/a/b}) points at in the document. */
    public JsonObject resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalStateException(file + ": only local references are used, not " + ref);
        }
        Object node = document;
        for (String token : ref.substring(2).split("/")) {
            String key = token.replace("~1", "/").replace("~0", "~");
            node = node instanceof JsonObject o ? o.getValue(key) : null;
            if (node == null) {
                throw new IllegalStateException(file + ": " + ref + " points at nothing");
            }
        }
        if (!(node instanceof JsonObject object)) {
            throw new IllegalStateException(file + ": " + ref + " is not an object");
        }
        return object;
    }

    private Validator validator(JsonObject payload) {
        // The payload becomes the root of its own schema, beside the shared schemas its $refs name.
        JsonObject schema = payload.copy()
                .put(
                        "components",
                        new JsonObject()
                                .put(
                                        "schemas",
                                        document.getJsonObject("components")
                                                .getJsonObject("schemas", new JsonObject())));
        return Validator.create(
                JsonSchema.of(schema),
                new JsonSchemaOptions()
                        .setDraft(Draft.DRAFT7)
                        .setBaseUri("https://palmreader.invalid/asyncapi.yaml")
                        .setOutputFormat(OutputFormat.Basic));
    }

    /** The whole document, as JSON. */
    public JsonObject document() {
        return document;
    }

    /** A component message by name ({@code components/messages/NAME}). */
    public JsonObject component(String name) {
        JsonObject message =
                document.getJsonObject("components").getJsonObject("messages").getJsonObject(name);
        if (message == null) {
            throw new IllegalStateException(file + ": no message " + name + " in components/messages");
        }
        return message;
    }

    /** The component message of a JSON message {@code type}, client or server. */
    public JsonObject messageOfType(String type) {
        String component = componentByType.get(type);
        if (component == null) {
            throw new IllegalArgumentException(file + " has no message of type '" + type + "'");
        }
        return component(component);
    }

    /** The binary frame's component message. */
    public JsonObject binaryFrame() {
        return component(binaryMessage);
    }

    /** The {@code type}s of the client's text messages, sorted. */
    public Set<String> clientTypes() {
        return Collections.unmodifiableSet(clientTypes);
    }

    /** The {@code type}s of the server's messages, sorted. */
    public Set<String> serverTypes() {
        return Collections.unmodifiableSet(serverTypes);
    }

    /** What is wrong with a text message as the server sent it; empty when it follows the document. */
    public List<String> serverViolations(String text) {
        JsonObject message;
        try {
            message = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return List.of("a server text message that is not a JSON object: " + quote(text));
        }
        return violations(Kind.SERVER, message);
    }

    /**
     * What is wrong with a text message a test received from a server's socket, as {@link #serverViolations(String)}
     * says. A message on the protocol is also counted under its type for {@link #RECEIVED_RECORD}, which shows which
     * server messages the suite holds to the document and which no test receives.
     */
    public List<String> checkReceived(String text) {
        List<String> violations = serverViolations(text);
        if (violations.isEmpty()) {
            received.computeIfAbsent(new JsonObject(text).getString("type"), t -> new LongAdder())
                    .increment();
        }
        return violations;
    }

    /** Fails, saying why, when a text message a test received from a server is off the protocol; counts it. */
    public void assertReceived(String text) {
        failOn(checkReceived(text));
    }

    /** Writes what tests received, by type, with the server messages none received; nothing when none was. */
    private void recordReceived(Path record) {
        if (received.isEmpty()) {
            return;
        }
        JsonObject byType = new JsonObject();
        received.forEach((type, count) -> byType.put(type, count.sum()));
        Set<String> never = new TreeSet<>(serverTypes);
        never.removeAll(received.keySet());
        JsonObject json = new JsonObject()
                .put("document", DOCUMENT.toString())
                .put("received", byType)
                .put("neverReceived", new JsonArray(new ArrayList<>(never)));
        try {
            Files.createDirectories(record.getParent());
            Files.writeString(record, json.encodePrettily());
        } catch (IOException e) {
            System.err.println("cannot write " + record + ": " + e);
        }
    }

    /** What is wrong with a server message; empty when it follows the document. */
    public List<String> serverViolations(JsonObject message) {
        return violations(Kind.SERVER, message);
    }

    /** What is wrong with a client's text message; empty when it follows the document. */
    public List<String> clientViolations(JsonObject message) {
        return violations(Kind.CLIENT, message);
    }

    /** Fails, saying why, when {@code message} is not a server message as the document describes it. */
    public void assertServerMessage(JsonObject message) {
        failOn(serverViolations(message));
    }

    /** Fails, saying why, when {@code message} is not a client message as the document describes it. */
    public void assertClientMessage(JsonObject message) {
        failOn(clientViolations(message));
    }

    private static void failOn(List<String> violations) {
        if (!violations.isEmpty()) {
            throw new AssertionError(String.join("\n", violations));
        }
    }

    private List<String> violations(Kind kind, JsonObject message) {
        String side = kind == Kind.CLIENT ? "client" : "server";
        Object type = message.getValue("type");
        if (!(type instanceof String name) || kinds.get(name) != kind) {
            return List.of("a " + side + " message whose type " + (type == null ? "is missing" : "'" + type + "'")
                    + " is none of " + DOCUMENT + "'s " + (kind == Kind.CLIENT ? clientTypes : serverTypes) + ": "
                    + quote(message.encode()));
        }
        OutputUnit result;
        Validator validator = validators.get(name);
        // One validator serves every client's event loop: it is not documented as safe to share between threads.
        synchronized (validator) {
            result = validator.validate(message);
        }
        if (result.getValid()) {
            return List.of();
        }
        StringBuilder why = new StringBuilder("a ")
                .append(side)
                .append(" message '")
                .append(name)
                .append("' does not follow ")
                .append(DOCUMENT)
                .append(" (components/messages/")
                .append(componentByType.get(name))
                .append("/payload):");
        for (String error : errors(result)) {
            why.append("\n    ").append(error);
        }
        why.append("\n    message: ").append(quote(message.encode()));
        return List.of(why.toString());
    }

    /**
     * The errors worth reading: the validator also reports every schema above the one that failed ("a subschema had
     * errors") and flags a declared property that failed its own schema as an additional property; those are left
     * out where a more precise error names the same place.
     */
    private static List<String> errors(OutputUnit result) {
        List<OutputUnit> all =
                result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
        List<String> errors = new ArrayList<>();
        for (OutputUnit e : all) {
            String keyword = String.valueOf(e.getKeywordLocation());
            String instance = String.valueOf(e.getInstanceLocation());
            boolean parent = all.stream()
                    .anyMatch(other -> other != e
                            && String.valueOf(other.getKeywordLocation()).startsWith(keyword + "/")
                            && String.valueOf(other.getInstanceLocation()).startsWith(instance));
            boolean declaredProperty = keyword.endsWith("/additionalProperties")
                    && all.stream()
                            .anyMatch(other -> other != e
                                    && instance.equals(String.valueOf(other.getInstanceLocation()))
                                    && !String.valueOf(other.getKeywordLocation())
                                            .endsWith("/additionalProperties"));
            if (!parent && !declaredProperty) {
                errors.add(instance + ": " + e.getError() + " (schema " + keyword + ")");
            }
        }
        return errors;
    }

    private static String quote(String text) {
        return text.length() <= MAX_QUOTE_CHARS
                ? text
                : text.substring(0, MAX_QUOTE_CHARS) + "… (" + text.length() + " characters)";
    }

    /**
     * Validates a file holding a JSON array of the messages a client sent, in order: each object is a text message,
     * checked against its {@code type}'s schema, except those with {@code "binary": true}, which stand for binary
     * frames. A binary entry that carries the whole message as {@code "base64"} has its header checked (version 1,
     * flags 0, at least one image byte after the 14-byte header, and the {@code seq} and {@code captureTs} it may
     * also give); one without is only counted.
     *
     * @return how many messages were checked (text and binary)
     * @throws AssertionError listing every message that does not follow the document, by its index in the array
     */
    public static int validateClientMessages(Path jsonArrayFile) {
        JsonArray sent;
        try {
            sent = new JsonArray(Files.readString(jsonArrayFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jsonArrayFile.toAbsolutePath(), e);
        } catch (DecodeException | ClassCastException e) {
            throw new AssertionError(jsonArrayFile + " is not a JSON array: " + e.getMessage(), e);
        }
        ProtocolSchema schema = get();
        List<String> violations = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < sent.size(); i++) {
            Object entry = sent.getValue(i);
            List<String> wrong;
            if (!(entry instanceof JsonObject message)) {
                wrong = List.of("not a JSON object: " + quote(String.valueOf(entry)));
            } else if (Boolean.TRUE.equals(message.getValue("binary"))) {
                wrong = frameViolations(message);
            } else {
                wrong = schema.clientViolations(message);
            }
            for (String w : wrong) {
                violations.add("[" + i + "] " + w);
            }
            failed += wrong.isEmpty() ? 0 : 1;
        }
        if (failed > 0) {
            throw new AssertionError(failed + " of the " + sent.size() + " client messages in " + jsonArrayFile
                    + " do not follow " + DOCUMENT + ":\n" + String.join("\n", violations));
        }
        return sent.size();
    }

    /** What is wrong with a recorded binary frame ({@code {"binary": true, "base64": …}}), by the header layout. */
    static List<String> frameViolations(JsonObject entry) {
        if (!(entry.getValue("base64") instanceof String encoded)) {
            return List.of();
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return List.of("a binary frame whose base64 does not decode: " + e.getMessage());
        }
        List<String> wrong = new ArrayList<>();
        if (bytes.length < ClientFrame.HEADER_BYTES + 1) {
            return List.of("a binary frame of " + bytes.length + " bytes: a frame is a " + ClientFrame.HEADER_BYTES
                    + "-byte header and at least one byte of image");
        }
        if (bytes[0] != ClientFrame.VERSION) {
            wrong.add("a binary frame of version " + (bytes[0] & 0xff) + ", not " + ClientFrame.VERSION);
        }
        if (bytes[1] != 0) {
            wrong.add("a binary frame with flags " + (bytes[1] & 0xff) + ", not 0");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes); // big-endian, as the header is
        long sequence = Integer.toUnsignedLong(header.getInt(2));
        long captureTs = header.getLong(6);
        if (entry.getValue("seq") instanceof Number seq && seq.longValue() != sequence) {
            wrong.add("a binary frame whose header has sequence " + sequence + ", recorded as " + seq);
        }
        if (entry.getValue("captureTs") instanceof Number ts && ts.longValue() != captureTs) {
            wrong.add("a binary frame whose header has capture time " + captureTs + ", recorded as " + ts);
        }
        return wrong;
    }
}
