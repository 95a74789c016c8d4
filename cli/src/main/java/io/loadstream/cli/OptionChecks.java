package io.loadstream.cli;

import io.loadstream.schemas.EventKeys;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine;

/**
 * The checks that several commands make on their options, each written once with the message users see. A failed
 * check is a picocli {@link CommandLine.ParameterException}: the command line prints it with the usage hint and
 * exits 104.
 */
final class OptionChecks {

    private final CommandLine commandLine;

    private OptionChecks(CommandLine commandLine) {
        this.commandLine = commandLine;
    }

    /**
     * The checks of one command.
     *
     * @param spec the command's (or, for a mixin, the mixee's) spec
     * @return the checks, reporting against that command's line
     */
    static OptionChecks of(CommandLine.Model.CommandSpec spec) {
        return new OptionChecks(spec.commandLine());
    }

    /**
     * A failure with a message of the caller's.
     *
     * @param message the whole message, starting with the option's name
     * @return the exception to throw
     */
    CommandLine.ParameterException invalid(String message) {
        return new CommandLine.ParameterException(commandLine, message);
    }

    /**
     * Reads an absolute http or https URL with a host (a webhook, an Alertmanager).
     *
     * @param option the option's name, e.g. {@code --webhook}
     * @param text   the value given
     * @return the URL
     */
    URI httpUrl(String option, String text) {
        try {
            URI url = new URI(text);
            String scheme = url.getScheme();
            if (("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            throw invalid(option + " '" + text + "' is not a URL: " + e.getReason());
        }
        throw invalid(option + " '" + text + "' must be an http or https URL with a host");
    }

    /**
     * Checks a count that must be at least 1 (partitions, threads, replicas).
     *
     * @param option the option's name, e.g. {@code --threads}
     * @param value  the value given
     */
    void atLeastOne(String option, long value) {
        if (value < 1) {
            throw invalid(option + " must be at least 1, was " + value);
        }
    }

    /**
     * Checks a timeout given in seconds.
     *
     * @param option  the option's name, e.g. {@code --start-timeout}
     * @param seconds the value given, in seconds
     */
    void positiveSeconds(String option, long seconds) {
        if (seconds <= 0) {
            throw invalid(option + " must be a positive number of seconds, was " + seconds);
        }
    }

    /**
     * Checks a text that must not be blank.
     *
     * @param option the option's name, e.g. {@code --application-id}
     * @param value  the value given, not null
     */
    void notBlank(String option, String value) {
        if (value.isBlank()) {
            throw invalid(option + " must not be empty");
        }
    }

    /**
     * Checks a TCP port, where 0 asks for a free one.
     *
     * @param option the option's name, e.g. {@code --port}
     * @param port   the value given
     */
    void port(String option, int port) {
        if (port < 0 || port > 65535) {
            throw invalid(option + " must be between 1 and 65535 (or 0 for a free port), was " + port);
        }
    }

    /**
     * Checks a {@code --run-id} against the run id's grammar ({@link EventKeys#validateRunId}).
     *
     * @param runId the value given, not null
     */
    void runId(String runId) {
        try {
            EventKeys.validateRunId(runId);
        } catch (IllegalArgumentException e) {
            throw invalid("--run-id: " + e.getMessage());
        }
    }
}
