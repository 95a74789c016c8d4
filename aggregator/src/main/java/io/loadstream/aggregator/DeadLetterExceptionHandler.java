package io.loadstream.aggregator;

import io.loadstream.schemas.DeadLetters;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line behind the aggregator's own checks: a record that makes a processor throw (a defect not foreseen)
 * or that Streams cannot deserialize goes, unchanged, to the dead-letter topic with the shared headers of
 * {@link DeadLetters} (reason {@value #PROCESSING_FAILED} or {@value #DESERIALIZATION_FAILED}, the exception as
 * the message), is counted and logged, and the task goes on. Without it, one such record stops the task, and every
 * restart stops at the same offset.
 *
 * <p>The dead letter is sent by a producer of its own, outside the task's transaction, and acknowledged before
 * the task goes on: when it cannot be written, the handler answers FAIL, so that nothing is dropped silently.
 * Streams creates the handler from the configuration ({@link #TOPIC_CONFIG} names the topic).
 */
public final class DeadLetterExceptionHandler implements ProcessingExceptionHandler, DeserializationExceptionHandler {

    /** The Streams configuration key that carries the dead-letter topic's name to the handler. */
    public static final String TOPIC_CONFIG = "loadstream.dead.letter.topic";
    /** The reason of a record that made a processor throw. */
    public static final String PROCESSING_FAILED = "PROCESSING_FAILED";
    /** The reason of a record that Streams could not deserialize. */
    public static final String DESERIALIZATION_FAILED = "DESERIALIZATION_FAILED";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);
    private static final long SEND_TIMEOUT_S = 30;
    private static final AtomicLong CAUGHT = new AtomicLong();

    private final Properties producerConfig = new Properties();
    private String topic;
    private KafkaProducer<byte[], byte[]> producer;

    /** Records caught by every handler of this JVM since it started. */
    public static long caught() {
        return CAUGHT.get();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object name = configs.get(TOPIC_CONFIG);
        if (name == null) {
            throw new IllegalArgumentException(TOPIC_CONFIG + " is not set");
        }
        topic = name.toString();
        // The client settings of the instance (bootstrap, security) apply to this producer too.
        for (String key : ProducerConfig.configNames()) {
            Object value = configs.get(key);
            if (value != null) {
                producerConfig.put(key, value);
            }
        }
        producerConfig.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "loadstream-aggregator-dead-letters");
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        return send(context, PROCESSING_FAILED, exception) ? ProcessingHandlerResponse.CONTINUE
                : ProcessingHandlerResponse.FAIL;
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        return send(context, DESERIALIZATION_FAILED, exception) ? DeserializationHandlerResponse.CONTINUE
                : DeserializationHandlerResponse.FAIL;
    }

    private boolean send(ErrorHandlerContext context, String reason, Exception exception) {
        String message = exception.getClass().getSimpleName() + ": " + exception.getMessage();
        long count = CAUGHT.incrementAndGet();
        LOG.error("A record from {} failed in task {} ({}: {}); sending it to {} ({} so far)",
                DeadLetters.source(context.topic(), context.partition(), context.offset()), context.taskId(), reason,
                message, topic, count, exception);
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topic, null, context.sourceRawKey(),
                context.sourceRawValue(), DeadLetters.headers(reason, message, context.topic(), context.partition(),
                context.offset(), "aggregator"));
        try {
            producer().send(dead).get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.error("Could not write the dead letter of {}; the task stops rather than drop it",
                    DeadLetters.source(context.topic(), context.partition(), context.offset()), e);
            return false;
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        // Created on first use: most instances never catch anything.
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }
}
