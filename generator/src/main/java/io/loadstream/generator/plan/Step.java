package io.loadstream.generator.plan;

import java.util.Map;

/**
 * One HTTP request of a scenario.
 *
 * @param method    HTTP method, upper case
 * @param path      path and query, relative to the plan's target; may interpolate
 * @param headers   the step's own headers, added to (and overriding) the defaults; may interpolate
 * @param body      request body, or null for none; may interpolate
 * @param endpoint  the endpoint name used in every event and report: the step's {@code name}, or
 *                  {@code METHOD /path/template} derived from the path (see {@link EndpointNames})
 * @param check     what the response must satisfy, or {@link Check#NONE}
 * @param thinkTime pause after this step, or null to use the plan default
 * @param location  where the step is in the plan file
 */
public record Step(String method, Template path, Map<String, Template> headers, Template body, String endpoint,
                   Check check, ThinkTime thinkTime, Location location) {

    /** Copies the header map, keeping its order. */
    public Step {
        headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
    }
}
