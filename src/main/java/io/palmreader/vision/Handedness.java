package io.palmreader.vision;

/** Which hand a hand is, as MediaPipe labels it: for a mirrored (selfie) image, the user's own left or right. */
public enum Handedness {
    LEFT("Left"),
    RIGHT("Right");

    private final String label;

    Handedness(String label) {
        this.label = label;
    }

    /** MediaPipe's label, as answers and events carry it: {@code Left} or {@code Right}. */
    public String label() {
        return label;
    }

    /** The handedness labelled {@code label}; anything else is not a hand's label. */
    public static Handedness of(String label) {
        for (Handedness h : values()) {
            if (h.label.equals(label)) {
                return h;
            }
        }
        throw new IllegalArgumentException("not a handedness label: '" + label + "'");
    }
}
