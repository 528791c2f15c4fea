package dev.anyclaude.stream;

/** Receives model events. Filters implement it and pass (possibly changed) events to the next sink. */
@FunctionalInterface
public interface ModelEventSink {
    void accept(ModelEvent event);
}
