package io.palmreader.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of text, as lower-case hex: how store keys, cached answers and logged addresses avoid showing who or what
 * they are about, and how known public secrets are recognized. Here, below every package that needs it. Pure.
 */
public final class Sha256 {

    private Sha256() {}

    /** The digest of {@code text}'s UTF-8 bytes: 64 lower-case hex digits. */
    public static String hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
