package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.config.ConfigException;
import io.palmreader.config.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Secrets: too short, published in the project's files or guessable by their pattern, a node refuses them")
class PublicSecretsTest {

    /**
     * A secret value assigned in a file: {@code JWT_SECRET: value}, {@code JWT_SECRET=value}, {@code "jwtSecret":
     * "value"}, {@code .put("jwtSecret", "value")}, {@code SECRET = "value"}; the whole value, up to a quote, a space
     * or the end of the line (so {@code SECRET = TokenIssuer.randomSecret()} is no value), on the same line as the name.
     */
    private static final Pattern ASSIGNED = Pattern.compile(
            "(?im)(?:jwt_?secret|\\bsecret)[\"']?[ \t]*[:=,][ \t]*[\"']?([A-Za-z0-9+/=_.\\-]{8,}+)(?=[\\s\"',;}\\]]|$)");

    /** The files a secret could be published in: everything but build output, dependencies and git's own. */
    private static List<Path> projectFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("."))) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> {
                        String path = p.toString().replace('\\', '/');
                        return !path.startsWith("./target/")
                                && !path.startsWith("./.git/")
                                && !path.contains("/node_modules/")
                                && !path.startsWith("./models/");
                    })
                    .toList();
        }
    }

    /** The values {@link #ASSIGNED} finds in {@code text}. */
    private static List<String> assigned(String text) {
        List<String> values = new ArrayList<>();
        Matcher m = ASSIGNED.matcher(text);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    private static String refusal(String secret) {
        return assertThrows(ConfigException.class, () -> PublicSecrets.refuseWeak(secret), secret)
                .getMessage();
    }

    @Test
    @DisplayName("the old placeholder, a short secret: refused with a clear message; a random one is taken")
    void refusals() {
        String placeholder = refusal("replace-with-a-random-secret-of-32-or-more-characters");
        assertTrue(placeholder.contains("written in Palmreader's own files"), placeholder);
        String shortOne = refusal("too-short");
        assertTrue(shortOne.contains("at least 32"), shortOne);
        assertDoesNotThrow(() -> PublicSecrets.refuseWeak(TokenIssuer.randomSecret()));
    }

    @Test
    @DisplayName("repeats, runs along the alphabet or the keyboard and copies of itself leave a long secret weak")
    void patternsAreRefused() {
        for (String weak : List.of(
                "a".repeat(40),
                "abc".repeat(15),
                "0123456789".repeat(4),
                "01".repeat(20),
                "aA".repeat(20),
                "qwertyuiopasdfghjklzxcvbnm123456",
                "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9",
                "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                "Password1Password1Password1Password1",
                "zyxwvutsrqponmlkjihgfedcba987654",
                "acegikmoqsuwy02468ACEGIKMOQSUWY13579",
                "!@#$%^&*()_+!@#$%^&*()_+!@#$%^&*")) {
            String message = refusal(weak);
            assertTrue(message.contains("too predictable") && message.contains("128"), message);
            assertTrue(PublicSecrets.estimatedBits(weak) < PublicSecrets.MIN_SECRET_BITS, weak);
        }
        assertTrue(PublicSecrets.estimatedBits("a".repeat(200)) < 20, "one character and one copy of it");
    }

    @Test
    @DisplayName("random secrets as generators make them pass: base64, hexadecimal, letters and digits, 32 or more")
    void randomSecretsPass() {
        Random random = new Random(7); // fixed: the same secrets every run
        String base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (String alphabet : List.of(base64, "0123456789abcdef", "0123456789ABCDEF", base64.substring(0, 62))) {
            for (int length : new int[] {AccessConfig.MIN_SECRET_CHARS, 44, 64}) {
                for (int n = 0; n < 200; n++) {
                    StringBuilder secret = new StringBuilder();
                    for (int i = 0; i < length; i++) {
                        secret.append(alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                    assertDoesNotThrow(() -> PublicSecrets.refuseWeak(secret.toString()), secret.toString());
                }
            }
        }
        // Digits alone: 32 random ones hold 106 bits, short of the floor, and the estimate says so.
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        assertTrue(PublicSecrets.estimatedBits(digits.toString()) < PublicSecrets.MIN_SECRET_BITS, digits.toString());
    }

    @Test
    @DisplayName("the scan for written secrets finds each way this project writes one")
    void scanFindsEveryForm() {
        String value = "Xy7-value_9";
        for (String line : List.of(
                "JWT_SECRET: " + value,
                "PALMREADER_AUTH_JWT_SECRET=" + value,
                "  \"jwtSecret\": \"" + value + "\"",
                ".put(\"jwtSecret\", \"" + value + "\")",
                "private static final String SECRET = \"" + value + "\";",
                "auth.jwtSecret=" + value)) {
            assertEquals(List.of(value), assigned(line), line);
        }
        assertEquals(List.of(), assigned("PALMREADER_AUTH_JWT_SECRET=\n"));
        assertEquals(List.of(), assigned("String SECRET = TokenIssuer.randomSecret();"));
    }

    @Test
    @DisplayName("every secret value written anywhere in the project's files is refused, and the tests write none")
    void writtenSecretsAreRefused() throws IOException {
        List<String> found = new ArrayList<>();
        int naming = 0;
        for (Path f : projectFiles()) {
            String text;
            try {
                text = Files.readString(f);
            } catch (MalformedInputException binary) {
                continue;
            }
            if (text.contains("JWT_SECRET") || text.contains("jwtSecret")) {
                naming++;
            }
            for (String value : assigned(text)) {
                found.add(f + ": " + value);
                refusal(value);
            }
        }
        // The scan must have read the files that set a secret (docs, deployment, tests), or it proves nothing.
        assertTrue(naming >= 8, "files naming the secret setting: " + naming);
        assertTrue(
                found.stream().noneMatch(v -> v.startsWith("./src/test/")),
                "tests use TokenIssuer.randomSecret(), " + "not a secret written down: " + found);
    }

    @Test
    @DisplayName("the list of published secrets is well formed and holds the secrets this project once wrote down")
    void listIsWellFormed() throws IOException {
        List<String> digests = new ArrayList<>();
        try (InputStream in = PublicSecrets.class.getResourceAsStream("/public-secrets.sha256")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String digest = line.split("\\s+")[0];
                    assertTrue(digest.matches("[0-9a-f]{64}"), line);
                    digests.add(digest);
                }
            }
        }
        assertEquals(digests.size(), digests.stream().distinct().count(), "no digest twice");
        // High-entropy values once written in this project's tests: refused although they pass every other rule.
        for (String old : List.of(
                "k3Hq9Zs1Vx7Lp4Tn0Wc6Ry2Bm8Fd5Gj3Aa9Ue1Io",
                "Tq7Wm2Xc9Lr4Vz1Kp6Hs3Nd8Fb5Gy0Je2Ua7Oi4Qe",
                "Zr5Mx8Qa2Wv7Np3Kc9Ls4Hd1Gt6Fy0Bj8Ue3Oi5Ta",
                "q8Zx2m7P4v9L1kT6w3Rb0sYc5Nd8Hf2Ja7Ge4Uo1")) {
            assertTrue(PublicSecrets.estimatedBits(old) >= PublicSecrets.MIN_SECRET_BITS, old);
            assertTrue(digests.contains(Sha256.hex(old)), old);
            assertTrue(refusal(old).contains("written in Palmreader's own files"), old);
        }
    }
}
