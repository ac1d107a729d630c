package io.palmreader.vision;

/** Gestures the classifier names: MediaPipe's canned set plus OK and Pinch. */
public enum Gesture {
    NONE("None"),
    CLOSED_FIST("Closed_Fist"),
    OPEN_PALM("Open_Palm"),
    POINTING_UP("Pointing_Up"),
    THUMB_DOWN("Thumb_Down"),
    THUMB_UP("Thumb_Up"),
    VICTORY("Victory"),
    I_LOVE_YOU("ILoveYou"),
    OK("OK"),
    PINCH("Pinch");

    private final String label;

    Gesture(String label) {
        this.label = label;
    }

    /** The name on the wire and in output, MediaPipe's spelling for the canned ones. */
    public String label() {
        return label;
    }

    public static Gesture fromLabel(String label) {
        for (Gesture g : values()) {
            if (g.label.equals(label)) {
                return g;
            }
        }
        throw new IllegalArgumentException("unknown gesture '" + label + "'");
    }
}
