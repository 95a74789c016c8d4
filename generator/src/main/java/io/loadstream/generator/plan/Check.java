package io.loadstream.generator.plan;

import java.util.Set;

/**
 * What a response must satisfy; a failure is an error of class {@code CHECK}. Without a check, a status of
 * 400 or more is an error of class {@code STATUS}.
 *
 * @param statuses     accepted status codes; empty accepts any status below 400
 * @param bodyContains text the body must contain, or null; when set, the body is read (up to the size limit)
 */
public record Check(Set<Integer> statuses, String bodyContains) {

    /** No check beyond "status below 400". */
    public static final Check NONE = new Check(Set.of(), null);

    /** Copies the status set. */
    public Check {
        statuses = Set.copyOf(statuses);
    }

    /** Whether the response body must be read to evaluate this check. */
    public boolean needsBody() {
        return bodyContains != null;
    }
}
