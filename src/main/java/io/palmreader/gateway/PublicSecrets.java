package io.palmreader.gateway;

import io.palmreader.config.ConfigException;
import io.palmreader.config.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Secrets nobody may sign tokens with: shorter than {@value AccessConfig#MIN_SECRET_CHARS} characters, written
 * anywhere in this project's own files (docs, examples, deployment files, placeholders, tests), where anyone can read
 * them, or guessable by their pattern: fewer than {@value #MIN_SECRET_BITS} bits by {@link #estimatedBits}. The
 * published ones are kept as SHA-256 digests in {@code /public-secrets.sha256}; a test keeps that list in step with
 * the files.
 */
final class PublicSecrets {

    /** The least estimated strength of an HS256 secret: what a brute-force search must not be able to cover. */
    static final int MIN_SECRET_BITS = 128;
    /** The characters of a secret that are estimated: a random secret passes the floor within its first 25. */
    static final int ESTIMATED_CHARS = 256;
    /** The shortest stretch counted as a copy of an earlier part of the secret. */
    private static final int MIN_COPY = 3;
    /** Keyboard rows (US layout) unshifted and shifted, for runs along the keys such as {@code qwerty} or {@code asdf}. */
    private static final String[] KEY_ROWS = {"`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./"};

    private static final String[] SHIFTED_ROWS = {"~!@#$%^&*()_+", "QWERTYUIOP{}|", "ASDFGHJKL:\"", "ZXCVBNM<>?"};
    /** Where each row's first key sits, in columns of the row above: q below 1, a below q, z below a. */
    private static final int[] ROW_OFFSETS = {0, 1, 1, 1};

    private static final Set<String> DIGESTS = load();

    private PublicSecrets() {}

    /** @throws ConfigException when {@code secret} is too short, published or guessable by its pattern */
    static void refuseWeak(String secret) {
        if (secret.length() < AccessConfig.MIN_SECRET_CHARS) {
            throw new ConfigException(
                    "auth.jwtSecret must be at least " + AccessConfig.MIN_SECRET_CHARS + " characters");
        }
        if (DIGESTS.contains(Sha256.hex(secret))) {
            throw new ConfigException(
                    "auth.jwtSecret is a value written in Palmreader's own files (an example, "
                            + "placeholder or test), which anyone can read: generate a random one (e.g. openssl rand -base64 48)");
        }
        double bits = estimatedBits(secret);
        if (bits < MIN_SECRET_BITS) {
            throw new ConfigException(String.format(
                    java.util.Locale.ROOT,
                    "auth.jwtSecret is too predictable: about "
                            + "%.0f bits by its characters, repeats and runs, where at least %d are needed: generate a random one "
                            + "(e.g. openssl rand -base64 48)",
                    bits,
                    MIN_SECRET_BITS));
        }
    }

    /**
     * How many bits a guesser who knows common patterns must search to find {@code secret} (its first
     * {@value #ESTIMATED_CHARS} characters), estimated by describing it from left to right:
     * <ul>
     *   <li>a stretch of {@value #MIN_COPY} or more characters that repeats an earlier one (overlapping allowed, so
     *       {@code aaaa…}, {@code abcabc…} and {@code Password1Password1} are one character and one copy) costs as
     *       much as one character: where it copies from, roughly;
     *   <li>a character that goes on with the step of the two before it costs 1 bit (whether the run goes on): the
     *       same character again ({@code aaa}), the same step in the character set ({@code abc}, {@code 9876},
     *       {@code acegi}) or along a keyboard row or column ({@code qwerty}, {@code 1qaz});
     *   <li>any other character costs log2 of the size of the character classes the secret uses: 26 for lower-case
     *       letters, 26 for upper-case, 10 for digits, 33 for anything else.
     * </ul>
     * This is a floor against patterns, not a measure of randomness: words and dates are not recognised, which is why
     * secrets should come from a random generator. A random 32-character secret of letters and digits comes to about
     * 190 bits; 32 random hexadecimal digits to about 160 (one in 100,000 or so, as ordered as chance makes them, to
     * less than 128); 32 random decimal digits to about 100, refused, as their true 106 bits would be.
     */
    static double estimatedBits(String secret) {
        int[] c = secret.codePoints().limit(ESTIMATED_CHARS).toArray();
        double fresh = log2(classSizes(c));
        double bits = 0;
        int i = 0;
        while (i < c.length) {
            int copied = longestCopy(c, i);
            if (copied >= MIN_COPY) {
                bits += fresh;
                i += copied;
            } else {
                bits += continuesRun(c, i) ? 1 : fresh;
                i++;
            }
        }
        return bits;
    }

    /** The sizes of the character classes {@code c} draws on, added up. */
    private static int classSizes(int[] c) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean other = false;
        for (int ch : c) {
            if (ch >= 'a' && ch <= 'z') {
                lower = true;
            } else if (ch >= 'A' && ch <= 'Z') {
                upper = true;
            } else if (ch >= '0' && ch <= '9') {
                digit = true;
            } else {
                other = true;
            }
        }
        return (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
    }

    /** The length of the longest stretch from {@code i} that also starts at some earlier position. */
    private static int longestCopy(int[] c, int i) {
        int longest = 0;
        for (int from = 0; from < i; from++) {
            int n = 0;
            while (i + n < c.length && c[from + n] == c[i + n]) {
                n++;
            }
            longest = Math.max(longest, n);
        }
        return longest;
    }

    /** Whether {@code c[i]} takes the same step from {@code c[i-1]} as that took from {@code c[i-2]}. */
    private static boolean continuesRun(int[] c, int i) {
        if (i < 2) {
            return false;
        }
        if (c[i] - c[i - 1] == c[i - 1] - c[i - 2]) {
            return true;
        }
        int[] a = key(c[i - 2]);
        int[] b = key(c[i - 1]);
        int[] d = key(c[i]);
        return a != null && b != null && d != null && d[0] - b[0] == b[0] - a[0] && d[1] - b[1] == b[1] - a[1];
    }

    /** A character's keyboard row and column, or null when it is not on the main keys. */
    private static int[] key(int ch) {
        for (int row = 0; row < KEY_ROWS.length; row++) {
            int column = Math.max(KEY_ROWS[row].indexOf(ch), SHIFTED_ROWS[row].indexOf(ch));
            if (column >= 0) {
                return new int[] {row, column + ROW_OFFSETS[row]};
            }
        }
        return null;
    }

    private static double log2(int n) {
        return Math.log(n) / Math.log(2);
    }

    private static Set<String> load() {
        Set<String> digests = new HashSet<>();
        try (InputStream in = PublicSecrets.class.getResourceAsStream("/public-secrets.sha256")) {
            if (in == null) {
                throw new IllegalStateException("public-secrets.sha256 is not packaged");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String d = line.strip();
                if (!d.isEmpty() && !d.startsWith("#")) {
                    digests.add(d.split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read public-secrets.sha256", e);
        }
        return Set.copyOf(digests);
    }
}
