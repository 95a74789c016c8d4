package io.loadstream.cli;

import io.loadstream.schemas.EventKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The checks that several commands make on their options, each written once with the message users see. A failed
 * check is a picocli {@link CommandLine.ParameterException}: the command line prints it with the usage hint and
 * exits 104.
 */
final class OptionChecks {

    /** What Kafka allows in a group id or topic name, and so in a Streams application id that prefixes both. */
    private static final Pattern KAFKA_NAME = Pattern.compile("[a-zA-Z0-9._-]+");

    /**
     * The longest application id: Kafka topic names stop at 249 characters, and Streams appends its store and
     * repartition names (up to about 60 characters here) to the application id.
     */
    static final int MAX_APPLICATION_ID_CHARS = 180;

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

    /**
     * Checks a count with an upper bound (threads, partitions), so that a typo such as {@code 100000} is refused
     * before anything starts instead of exhausting the machine.
     *
     * @param option the option's name, e.g. {@code --threads}
     * @param value  the value given
     * @param max    the largest value accepted
     */
    void between1And(String option, long value, long max) {
        if (value < 1 || value > max) {
            throw invalid(option + " must be between 1 and " + max + ", was " + value);
        }
    }

    /**
     * Checks a Kafka Streams application id: it names the consumer group and prefixes the internal topics, so it
     * takes only what Kafka allows in those names.
     *
     * @param option the option's name, e.g. {@code --application-id}
     * @param value  the value given, not null
     */
    void kafkaName(String option, String value) {
        notBlank(option, value);
        if (!KAFKA_NAME.matcher(value).matches()) {
            throw invalid(option + " may contain only letters, digits, '.', '_' and '-', was '" + value + "'");
        }
        if (value.length() > MAX_APPLICATION_ID_CHARS) {
            throw invalid(option + " must be at most " + MAX_APPLICATION_ID_CHARS + " characters, was "
                    + value.length());
        }
    }

    /**
     * Checks a directory that the command will write into: it exists as a writable directory, or it can be
     * created. It is created here, so that a bad path fails before anything starts.
     *
     * @param option the option's name, e.g. {@code --state-dir}
     * @param dir    the value given, or null when the option was left out (then nothing is checked)
     */
    void writableDirectory(String option, Path dir) {
        if (dir == null) {
            return;
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw invalid(option + " " + dir + " is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw invalid(option + " " + dir + " cannot be created (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) {
            throw invalid(option + " " + dir + " is not writable");
        }
    }

    /**
     * Checks an address to listen on: the wildcard, a loopback address or an address of one of this machine's
     * interfaces. A name is resolved (e.g. {@code localhost}).
     *
     * @param option the option's name, e.g. {@code --host}
     * @param host   the value given, not null
     */
    void localAddress(String option, String host) {
        notBlank(option, host);
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw invalid(option + " " + host + " is not a known host name or address");
        }
        boolean local;
        try {
            local = address.isAnyLocalAddress() || address.isLoopbackAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            local = false;
        }
        if (!local) {
            throw invalid(option + " " + host + " is not an address of this machine; use 127.0.0.1, 0.0.0.0 "
                    + "(every interface) or the address of one of its interfaces");
        }
    }
}
