package io.palmreader.observability;

/** A reason counted as a tag value ({@code reason="worker_busy"}): the enums of drops and refusals. */
public interface MetricTag {

    /** The tag value, also the reason's name on the wire. */
    String tag();
}
