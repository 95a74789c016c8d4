package io.loadstream.reporter.archive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything archived for one run: the entry (metadata and summary), each endpoint's windows, the system windows,
 * the report and the plan with its secrets masked. Immutable.
 *
 * @param entry         metadata and per-endpoint summary ({@code entry.json})
 * @param windows       per endpoint, its windows in time order ({@code windows.json})
 * @param systemWindows the system windows, as JSON text of an array ({@code system.json})
 * @param reportJson    {@code performance_report.json}'s text ({@code report.json})
 * @param planYaml      the plan's YAML with secrets masked ({@code plan.yaml}), when the archiving process had it
 */
public record ArchiveBundle(ArchiveEntry entry, Map<String, List<ArchivedWindow>> windows, String systemWindows,
                            String reportJson, Optional<String> planYaml) {

    /** Copies the values. */
    public ArchiveBundle {
        Map<String, List<ArchivedWindow>> copy = new TreeMap<>();
        windows.forEach((endpoint, list) -> copy.put(endpoint, List.copyOf(new ArrayList<>(list))));
        windows = Collections.unmodifiableMap(copy);
        systemWindows = systemWindows == null ? "[]" : systemWindows;
        reportJson = reportJson == null ? "{}" : reportJson;
        planYaml = planYaml == null ? Optional.empty() : planYaml;
    }
}
