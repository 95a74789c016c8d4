package io.loadstream.generator.executor;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.generator.http.ErrorClassifier;
import io.loadstream.generator.http.PreparedStep;
import io.loadstream.generator.plan.Check;
import io.loadstream.generator.plan.Template;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * One virtual user: runs iterations (a scenario's steps in order, with think time between them) one request at
 * a time, asynchronously, on the HTTP client's threads. It is its own response listener, so a request allocates
 * no listener; its iteration state is touched by one thread at a time, handed over by the client.
 *
 * <p>Its {@link #watermarkSlot} holds the intended start of the request it is about to send or has in flight
 * ({@link #IDLE} when none, {@link #PENDING} while it is reading the clock), so that the run's watermark never
 * passes a request that has not been recorded yet.
 */
final class VirtualUser implements Response.Listener, Template.Context, Runnable {

    /** Slot value: no request in flight. */
    static final long IDLE = Long.MAX_VALUE;
    /** Slot value: about to read the clock for a new request; the watermark must not move. */
    static final long PENDING = Long.MIN_VALUE;

    /** What a VU asks of the executor that drives it. */
    interface Owner {
        /** Whether no iteration may start any more (end of the load, or abort). */
        boolean noNewIterations();

        /** Whether no step may start any more (end of the graceful stop, or abort). */
        boolean noNewSteps();

        /** The VU has ended an iteration (or could not start one); called once per {@link #startIteration}. */
        void iterationEnded(VirtualUser vu, boolean started);
    }

    final int id;
    volatile long watermarkSlot = IDLE;
    /** Set by a ramping-down closed-model executor: end after the current iteration. */
    volatile boolean stopAfterIteration;
    /** A {@code once} data feeder ran out: this VU can start no more iterations. */
    volatile boolean exhausted;

    private final LoadContext context;
    private final Owner owner;
    private final SplittableRandom random;

    private PreparedStep[] steps;
    private DataFeeder feeder;
    private List<String> row;
    private int stepIndex;
    private long iteration = -1;
    private long scheduledNanos;
    private long intendedNanos;
    private long sendNanos;
    private long firstByteNanos;
    private long bodyBytes;
    private byte[] body;
    private int bodyLength;
    private long bytesSent;
    private volatile Request inFlight;
    private volatile boolean sending;
    /** The response whose body is being read, and its source: set when the body starts, one at a time. */
    private Response contentResponse;
    private Content.Source contentSource;
    /**
     * Reads the body when more arrives. Made once (Jetty's default listener makes two objects per chunk), and
     * non-blocking, so that Jetty runs it on the selector thread instead of handing it to a pool thread.
     */
    private final Invocable.Task readContent = Invocable.from(Invocable.InvocationType.NON_BLOCKING,
            this::readContent);
    private int scenarioIndex;
    private long iterationStartNanos;

    VirtualUser(int id, LoadContext context, Owner owner, long seed) {
        this.id = id;
        this.context = context;
        this.owner = owner;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Starts an iteration.
     *
     * @param scheduled for the open model, the nanosecond time the iteration was due (the intended start of its
     *                  first request; the caller has already put it in {@link #watermarkSlot}); -1 for the closed
     *                  model, where requests start when the VU is ready
     */
    void startIteration(long scheduled) {
        int scenario = context.picker.pick(random);
        feeder = context.feeders[scenario];
        if (feeder != null) {
            row = feeder.next(random);
            if (row == null) {
                exhausted = true;
                watermarkSlot = IDLE;
                owner.iterationEnded(this, false);
                return;
            }
        }
        steps = context.steps[scenario];
        stepIndex = 0;
        iteration++;
        scheduledNanos = scheduled;
        scenarioIndex = scenario;
        iterationStartNanos = scheduled >= 0 ? scheduled : context.clock.source().nanoTime();
        context.scenarioCounts.started(scenario);
        sendStep();
    }

    private void sendStep() {
        PreparedStep step = steps[stepIndex];
        long now;
        if (stepIndex == 0 && scheduledNanos >= 0) {
            intendedNanos = scheduledNanos;
            now = context.clock.source().nanoTime();
        } else {
            watermarkSlot = PENDING;
            now = context.clock.source().nanoTime();
            watermarkSlot = now;
            intendedNanos = now;
        }
        Request request;
        try {
            request = step.newRequest(context.client, this);
        } catch (RuntimeException e) {
            // A rendered URI that does not parse: a failed request of class OTHER, still recorded.
            sendNanos = now;
            firstByteNanos = 0;
            bodyBytes = 0;
            bytesSent = 0;
            sending = true;
            finish(step, 0, ErrorClass.OTHER, ErrorClassifier.detail(e));
            sending = false;
            return;
        }
        firstByteNanos = 0;
        bodyBytes = 0;
        bodyLength = 0;
        bytesSent = step.bytesSent(request);
        inFlight = request;
        if (owner.noNewSteps()) {
            // The load stopped between this VU's check and now, and its cut may have missed this request (inFlight
            // and noNewSteps are volatile: one side sees the other). Fail it at once, as a cut request.
            request.abort(new TimeoutException("the load stopped as the request was being sent"));
        }
        sending = true;
        sendNanos = context.clock.source().nanoTime();
        if (intendedNanos == now && !(stepIndex == 0 && scheduledNanos >= 0)) {
            // Not scheduled by an arrival rate: the intended start is the actual one, to the nanosecond.
            intendedNanos = sendNanos;
        }
        request.send(this);
        sending = false;
    }

    @Override
    public void onBegin(Response response) {
        firstByteNanos = context.clock.source().nanoTime();
    }

    @Override
    public void onContentSource(Response response, Content.Source source) {
        contentResponse = response;
        contentSource = source;
        readContent();
    }

    /** Reads every chunk available now, then asks to be called again when more arrives (or ends at the last). */
    private void readContent() {
        Content.Source source = contentSource;
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                source.demand(readContent);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                // As Jetty's own listener does: the response fails (onComplete records it), the source too.
                Throwable failure = chunk.getFailure();
                contentResponse.abort(failure);
                if (!chunk.isLast()) {
                    source.fail(failure);
                }
                return;
            }
            boolean last = chunk.isLast();
            try {
                if (chunk.hasRemaining()) {
                    onContent(contentResponse, chunk.getByteBuffer());
                }
            } finally {
                chunk.release();
            }
            if (last) {
                return;
            }
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        int length = content.remaining();
        bodyBytes += length;
        PreparedStep step = steps[stepIndex];
        if (step.needsBody() && bodyLength < step.maxBodyBytes()) {
            int take = Math.min(length, step.maxBodyBytes() - bodyLength);
            if (body == null || body.length < bodyLength + take) {
                byte[] grown = new byte[Math.min(step.maxBodyBytes(), Math.max(bodyLength + take, 2 * bodyLength))];
                if (body != null) {
                    System.arraycopy(body, 0, grown, 0, bodyLength);
                }
                body = grown;
            }
            content.get(body, bodyLength, take);
            bodyLength += take;
        }
    }

    @Override
    public void onComplete(Result result) {
        inFlight = null;
        PreparedStep step = steps[stepIndex];
        Response response = result.getResponse();
        int status = response == null ? 0 : response.getStatus();
        if (result.isFailed()) {
            Throwable failure = result.getFailure();
            finish(step, status, ErrorClassifier.classify(failure), ErrorClassifier.detail(failure));
            return;
        }
        Check check = step.check();
        ErrorClass errorClass = ErrorClass.NONE;
        String detail = null;
        boolean statusListed = check.statuses().isEmpty() ? status < 400 : check.statuses().contains(status);
        boolean checked = !check.statuses().isEmpty() || check.bodyContains() != null;
        if (!statusListed) {
            // A step with a check fails as a check (PLAN.md, "Checks and errors"), also on a status that its
            // check does not list because it lists none: such a check accepts the statuses below 400.
            errorClass = checked ? ErrorClass.CHECK : ErrorClass.STATUS;
            detail = !checked ? "HTTP " + status : "check failed: status " + status + (check.statuses().isEmpty()
                    ? " (a check without status accepts below 400)" : " is not one of " + check.statuses());
        } else if (check.bodyContains() != null && !bodyContains(check.bodyContains())) {
            errorClass = ErrorClass.CHECK;
            detail = "check failed: the body" + (bodyLength >= step.maxBodyBytes() ? " (first "
                    + step.maxBodyBytes() + " bytes)" : "") + " does not contain the expected text";
        }
        if (response != null) {
            bodyBytes += headerBytes(response);
        }
        finish(step, status, errorClass, detail);
    }

    /**
     * The check's verdict for the timing: null when the step has no check or no response arrived (a failure before
     * or while reading it); else whether the response satisfied it (a status of 400 or more fails a check that lists
     * no status).
     */
    private static Boolean checkResult(Check check, int status, ErrorClass errorClass) {
        boolean checked = !check.statuses().isEmpty() || check.bodyContains() != null;
        if (!checked || status <= 0) {
            return null;
        }
        return switch (errorClass) {
            case NONE -> Boolean.TRUE;
            case CHECK, STATUS -> Boolean.FALSE;
            default -> null;
        };
    }

    private boolean bodyContains(String expected) {
        return bodyLength > 0 && new String(body, 0, bodyLength, StandardCharsets.UTF_8).contains(expected);
    }

    private static long headerBytes(Response response) {
        long bytes = 15;
        for (HttpField field : response.getHeaders()) {
            bytes += field.getName().length() + field.getValue().length() + 4;
        }
        return bytes + 2;
    }

    private void finish(PreparedStep step, int status, ErrorClass errorClass, String detail) {
        long end = context.clock.source().nanoTime();
        RequestTiming event = new RequestTiming();
        event.setRunId(context.runId);
        event.setGeneratorId(context.generatorId);
        event.setScenario(step.scenario());
        event.setEndpoint(step.endpoint());
        event.setMethod(step.method());
        event.setStatus(status);
        event.setErrorClass(errorClass);
        event.setErrorDetail(detail == null ? null : context.redactor.redact(detail));
        event.setIntendedStartUs(context.clock.epochMicros(intendedNanos));
        event.setActualStartUs(context.clock.epochMicros(sendNanos));
        event.setLatencyUs((end - intendedNanos) / 1000);
        event.setServiceTimeUs((end - sendNanos) / 1000);
        event.setTimeToFirstByteUs(firstByteNanos == 0 ? -1 : (firstByteNanos - sendNanos) / 1000);
        event.setBytesSent(bytesSent);
        event.setBytesReceived(bodyBytes);
        event.setVu(id);
        event.setIteration(iteration);
        event.setCheckPassed(checkResult(step.check(), status, errorClass));
        context.sink.requestCompleted(event);
        // Recorded: the watermark may move past this request now.
        watermarkSlot = IDLE;
        long think = thinkNanos(step);
        if (think > 0 && !owner.noNewSteps()) {
            context.timer.schedule(this, think, TimeUnit.NANOSECONDS);
        } else if (sending) {
            // Completed inside send() on this very thread (e.g. refused at once): continue on another thread, so
            // that a run of instant failures cannot grow the stack.
            context.timer.execute(this);
        } else {
            run();
        }
    }

    private long thinkNanos(PreparedStep step) {
        long min = step.thinkMinNanos();
        long max = step.thinkMaxNanos();
        if (max <= 0) {
            return 0;
        }
        return min == max ? min : min + random.nextLong(max - min + 1);
    }

    /** Continues after a step: the next step, or the end of the iteration. */
    @Override
    public void run() {
        stepIndex++;
        if (stepIndex < steps.length && !owner.noNewSteps()) {
            sendStep();
        } else {
            context.scenarioCounts.completed(scenarioIndex, context.clock.source().nanoTime() - iterationStartNanos);
            owner.iterationEnded(this, true);
        }
    }

    /** Aborts the request in flight, if any: it is recorded as a timeout. */
    void cut(String why) {
        Request request = inFlight;
        if (request != null) {
            request.abort(new TimeoutException(why));
        }
    }

    @Override
    public long randomBetween(long min, long max) {
        return min + random.nextLong(max - min + 1);
    }

    @Override
    public String data(String column) {
        return feeder == null ? "" : feeder.value(row, column);
    }
}
