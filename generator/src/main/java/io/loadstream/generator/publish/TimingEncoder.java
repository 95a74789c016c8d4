package io.loadstream.generator.publish;

import io.loadstream.events.RequestTiming;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Encodes {@link RequestTiming}s exactly as {@code EventSerdes.requestTiming()} does (Avro single-object
 * encoding: {@code C3 01}, the schema's 8-byte little-endian fingerprint, the binary body), but without the
 * per-record garbage of the generic path: it writes through the generated record's own encoder (no boxing of
 * the eleven numeric fields) into one reused buffer. One instance per thread: not thread-safe.
 * {@code TimingEncoderTest} checks the bytes against the serde's.
 */
public final class TimingEncoder {

    private static final int INITIAL_BUFFER_BYTES = 256;

    private final byte[] header = new byte[10];
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(INITIAL_BUFFER_BYTES);
    private BinaryEncoder encoder;

    /** Creates an encoder for the current {@code RequestTiming} schema. */
    public TimingEncoder() {
        long fingerprint = SchemaNormalization.parsingFingerprint64(RequestTiming.getClassSchema());
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
    }

    /**
     * Encodes one timing.
     *
     * @param event the timing; every non-null field of the schema set
     * @return a new array holding the single-object encoding
     * @throws UncheckedIOException never in practice (the buffer is in memory)
     */
    public byte[] encode(RequestTiming event) {
        buffer.reset();
        buffer.write(header, 0, header.length);
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        try {
            event.customEncode(encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }
}
