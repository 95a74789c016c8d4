package io.loadstream.cli;

import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Redactor;
import io.loadstream.reporter.archive.ArchiveSettings;
import io.loadstream.reporter.trend.WindowBootstrap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where {@code run} and {@code report} file the finished run for {@code trend}. A mixin. */
final class ArchiveOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--archive", paramLabel = "DIR", defaultValue = "loadstream-archive",
            description = "File the finished run into this trend archive (default: ${DEFAULT-VALUE}); "
                    + "'./loadstream trend' compares the runs there.")
    Path archive;

    @Option(names = "--no-archive", description = "Do not file the run into the trend archive.")
    boolean noArchive;

    @Option(names = "--tag", paramLabel = "KEY=VALUE",
            description = "A tag of the archived run (e.g. release=1.4), for 'trend --baseline KEY=VALUE'. "
                    + "Repeatable.")
    Map<String, String> tags = new LinkedHashMap<>();

    /**
     * The archive settings.
     *
     * @param runsTopic the runs topic to publish to (with an external cluster); empty not to publish
     * @param plan      the plan and its file, when this process has them: the file's text is archived with the
     *                  plan's secrets masked
     * @return the settings; null with {@code --no-archive}
     * @throws CommandLine.ParameterException when a tag has an empty key
     */
    ArchiveSettings settings(Optional<String> runsTopic, Optional<Map.Entry<Plan, Path>> plan) {
        if (noArchive) {
            return null;
        }
        for (String key : tags.keySet()) {
            if (key.isBlank()) {
                throw OptionChecks.of(mixee).invalid("--tag needs a key before '=', as in release=1.4");
            }
        }
        String planYaml = null;
        if (plan.isPresent()) {
            try {
                planYaml = Redactor.forPlan(plan.get().getKey()).redact(Files.readString(plan.get().getValue(),
                        StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // The plan was read a moment ago; if it is gone now, the entry has no plan.yaml.
            }
        }
        return new ArchiveSettings(Optional.of(archive), tags, Optional.ofNullable(planYaml), runsTopic,
                WindowBootstrap.DEFAULT_RESAMPLES);
    }
}
