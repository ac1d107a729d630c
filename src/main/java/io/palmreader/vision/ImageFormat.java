package io.palmreader.vision;

/** The encoded image formats a frame may arrive in. */
public enum ImageFormat {
    JPEG,
    PNG
}
