package io.loadstream.generator.http;

import io.loadstream.generator.plan.Check;
import io.loadstream.generator.plan.Defaults;
import io.loadstream.generator.plan.Step;
import io.loadstream.generator.plan.Template;
import io.loadstream.generator.plan.ThinkTime;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;

/**
 * One step of a plan, compiled once per run so that each request costs as little as possible: the URI, the
 * headers and the body are built ahead of time wherever they do not interpolate per request. Immutable and
 * thread-safe.
 */
public final class PreparedStep {

    private static final String CONTENT_TYPE = "content-type";
    private static final int REQUEST_LINE_OVERHEAD = " HTTP/1.1\r\n".length() + 1;
    private static final int HEADER_OVERHEAD = ": \r\n".length();

    private final String scenario;
    private final String endpoint;
    private final String method;
    private final String base;
    private final Template path;
    private final URI constantUri;
    private final HttpField[] constantHeaders;
    /** Whether this class sets the Host header: the plan sets none. */
    private final boolean ownHost;
    /** The Host header of a constant URI, when this class sets it; else null. */
    private final HttpField constantHost;
    private final String[] templatedHeaderNames;
    private final Template[] templatedHeaderValues;
    private final Template body;
    private final byte[] constantBody;
    private final String contentType;
    private final long timeoutMs;
    private final long thinkMinNanos;
    private final long thinkMaxNanos;
    private final Check check;
    private final boolean needsBody;
    private final int maxBodyBytes;
    private final long fixedBytesSent;
    private final long constantBytesSent;
    /**
     * Adds the headers of a step whose headers are all constant (Host included), made once: the per-request
     * lambda of {@link #newRequest} is an object per request; null when some header is rendered per request.
     */
    private final Consumer<HttpFields.Mutable> constantHeaderWriter;

    /**
     * Compiles a step.
     *
     * @param scenario the name of the scenario the step belongs to
     * @param step     the step
     * @param target   the plan's base URL
     * @param defaults the plan's request defaults
     */
    public PreparedStep(String scenario, Step step, URI target, Defaults defaults) {
        this.scenario = scenario;
        this.endpoint = step.endpoint();
        this.method = step.method().toUpperCase(Locale.ROOT);
        String targetText = target.toString();
        this.base = targetText.endsWith("/") ? targetText.substring(0, targetText.length() - 1) : targetText;
        this.path = step.path();
        this.constantUri = path.isConstant() ? URI.create(resolve(path.render(null))) : null;
        Map<String, Template> headers = new LinkedHashMap<>();
        defaults.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        step.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        Map<String, String> originalNames = new LinkedHashMap<>();
        defaults.headers().keySet().forEach(name -> originalNames.put(name.toLowerCase(Locale.ROOT), name));
        step.headers().keySet().forEach(name -> originalNames.put(name.toLowerCase(Locale.ROOT), name));
        Template type = headers.remove(CONTENT_TYPE);
        this.contentType = type == null ? "application/octet-stream" : type.render(null);
        List<HttpField> fixed = new ArrayList<>();
        List<String> templatedNames = new ArrayList<>();
        List<Template> templatedValues = new ArrayList<>();
        long headerBytes = 0;
        for (Map.Entry<String, Template> header : headers.entrySet()) {
            String name = originalNames.get(header.getKey());
            if (header.getValue().isConstant()) {
                String value = header.getValue().render(null);
                fixed.add(new PreEncodedHttpField(name, value));
                headerBytes += name.length() + value.length() + HEADER_OVERHEAD;
            } else {
                templatedNames.add(name);
                templatedValues.add(header.getValue());
                headerBytes += name.length() + HEADER_OVERHEAD;
            }
        }
        // Jetty adds a Host header to a request that has none by building a java.net.URI of the request (two URI
        // parses per request); setting it here, with the value Jetty would use (the URI's authority), saves that.
        this.ownHost = !headers.containsKey("host");
        this.constantHost = ownHost && constantUri != null && constantUri.getAuthority() != null
                ? new PreEncodedHttpField(HttpHeader.HOST, constantUri.getAuthority()) : null;
        this.constantHeaders = fixed.toArray(new HttpField[0]);
        this.templatedHeaderNames = templatedNames.toArray(new String[0]);
        this.templatedHeaderValues = templatedValues.toArray(new Template[0]);
        this.body = step.body();
        this.constantBody = body != null && body.isConstant()
                ? body.render(null).getBytes(StandardCharsets.UTF_8) : null;
        if (body != null) {
            headerBytes += CONTENT_TYPE.length() + contentType.length() + HEADER_OVERHEAD;
        }
        this.timeoutMs = defaults.timeout().toMillis();
        ThinkTime think = step.thinkTime() != null ? step.thinkTime() : defaults.thinkTime();
        this.thinkMinNanos = think == null ? 0 : think.min().toNanos();
        this.thinkMaxNanos = think == null ? 0 : think.max().toNanos();
        this.check = step.check() == null ? Check.NONE : step.check();
        this.needsBody = check.needsBody();
        this.maxBodyBytes = defaults.maxResponseBytes();
        this.fixedBytesSent = method.length() + REQUEST_LINE_OVERHEAD + headerBytes + HEADER_OVERHEAD;
        this.constantBytesSent = constantUri == null ? 0 : fixedBytesSent + constantUri.getHost().length() + 6
                + (constantUri.getRawPath() == null ? 1 : constantUri.getRawPath().length())
                + (constantUri.getRawQuery() == null ? 0 : constantUri.getRawQuery().length() + 1);
        boolean hostKnown = constantHost != null || !ownHost;
        this.constantHeaderWriter = hostKnown && templatedHeaderNames.length == 0
                && (constantHost != null || constantHeaders.length > 0)
                ? fields -> writeHeaders(fields, constantHost, null) : null;
    }

    private String resolve(String pathAndQuery) {
        if (pathAndQuery.startsWith("http://") || pathAndQuery.startsWith("https://")) {
            return pathAndQuery;
        }
        return pathAndQuery.startsWith("/") ? base + pathAndQuery : base + "/" + pathAndQuery;
    }

    /**
     * Builds the request (not yet sent).
     *
     * @param client  the client
     * @param context random numbers and the iteration's data row, for interpolated parts
     * @return the request, with the total timeout set
     */
    public Request newRequest(HttpClient client, Template.Context context) {
        URI uri = constantUri != null ? constantUri : URI.create(resolve(path.render(context)));
        Request request = client.newRequest(uri).method(method).timeout(timeoutMs, TimeUnit.MILLISECONDS);
        if (constantHeaderWriter != null) {
            request.headers(constantHeaderWriter);
        } else {
            HttpField host = constantHost != null || !ownHost || uri.getAuthority() == null ? constantHost
                    : new HttpField(HttpHeader.HOST, uri.getAuthority());
            if (host != null || constantHeaders.length > 0 || templatedHeaderNames.length > 0) {
                request.headers(fields -> writeHeaders(fields, host, context));
            }
        }
        if (body != null) {
            byte[] bytes = constantBody != null ? constantBody
                    : body.render(context).getBytes(StandardCharsets.UTF_8);
            request.body(new BytesRequestContent(contentType, bytes));
        }
        return request;
    }

    private void writeHeaders(HttpFields.Mutable fields, HttpField host, Template.Context context) {
        if (host != null) {
            fields.add(host);
        }
        for (HttpField field : constantHeaders) {
            fields.put(field);
        }
        for (int i = 0; i < templatedHeaderNames.length; i++) {
            fields.put(templatedHeaderNames[i], templatedHeaderValues[i].render(context));
        }
    }

    /**
     * Estimates the bytes a request of this step sends: request line, headers and body. Reads only what this
     * class set on the request (asking Jetty for the request's URI would build a new one per request).
     *
     * @param request a request built by {@link #newRequest(HttpClient, Template.Context)}
     * @return bytes, approximately (header framing is estimated)
     */
    public long bytesSent(Request request) {
        long bytes = constantUri != null ? constantBytesSent
                : fixedBytesSent + request.getHost().length() + 6 + request.getPath().length()
                        + (request.getQuery() == null ? 0 : request.getQuery().length() + 1);
        Request.Content content = request.getBody();
        if (content != null && content.getLength() > 0) {
            bytes += content.getLength();
        }
        return bytes;
    }

    /** The scenario's name. */
    public String scenario() {
        return scenario;
    }

    /** The endpoint name written into every event of this step. */
    public String endpoint() {
        return endpoint;
    }

    /** The HTTP method, upper case. */
    public String method() {
        return method;
    }

    /** The check of the response. */
    public Check check() {
        return check;
    }

    /** Whether the response body must be read for the check. */
    public boolean needsBody() {
        return needsBody;
    }

    /** Largest body read for a check, in bytes; the rest is discarded. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The shortest think time after this step, in nanoseconds. */
    public long thinkMinNanos() {
        return thinkMinNanos;
    }

    /** The longest think time after this step, in nanoseconds. */
    public long thinkMaxNanos() {
        return thinkMaxNanos;
    }
}
