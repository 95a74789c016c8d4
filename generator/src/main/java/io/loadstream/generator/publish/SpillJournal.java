package io.loadstream.generator.publish;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A first-in first-out journal of Kafka records on disk: where the publisher puts what the producer cannot take
 * during a broker outage, to send it later in the same order. One file, appended to and read from the front; when
 * everything written has been read, the file is deleted and the next spill starts a new one. Publisher thread only.
 *
 * <p>An entry is {@code kind (1 byte), partition (int, -1 for none), timestamp (long, epoch ms), key length (int),
 * key, value length (int), value}: 21 bytes plus the key and the value.
 *
 * <p>Limits: the file holds at most {@code maxBytes}; an entry that does not fit is refused ({@link #append}
 * returns false) and the caller counts it as lost. An I/O error refuses the entry the same way, and is logged by
 * the caller.
 */
final class SpillJournal implements AutoCloseable {

    /** Bytes an entry takes besides its key and value. */
    static final int ENTRY_OVERHEAD_BYTES = 1 + 4 + 8 + 4 + 4;

    /** Receives entries read back from the journal. */
    @FunctionalInterface
    interface EntryVisitor {
        /**
         * One entry, in the order it was appended.
         *
         * @param kind        the caller's kind code
         * @param partition   the partition, or -1 for none
         * @param timestampMs the record timestamp, epoch milliseconds
         * @param key         the key
         * @param value       the value
         * @return whether to go on with the next entry (the entry is taken either way)
         */
        boolean accept(int kind, int partition, long timestampMs, byte[] key, byte[] value);
    }

    private final Optional<Path> configuredDirectory;
    private final String fileName;
    private final long maxBytes;
    private Path file;
    private DataOutputStream out;
    private DataInputStream in;
    private long bytesWritten;
    private long written;
    private long read;
    /** Every entry ever appended, over all files. */
    private long appendedTotal;
    private IOException lastFailure;

    /**
     * Creates a journal; no file exists until the first {@link #append}.
     *
     * @param directory where the file goes (created if missing); empty: a new directory under java.io.tmpdir
     * @param fileName  the file's name, e.g. with the run id and the segment in it
     * @param maxBytes  the largest the file may grow, in bytes, at least 0
     */
    SpillJournal(Optional<Path> directory, String fileName, long maxBytes) {
        this.configuredDirectory = directory;
        this.fileName = fileName;
        this.maxBytes = maxBytes;
    }

    /**
     * Appends an entry at the end, unless it would pass the bound or the disk fails.
     *
     * @return whether the entry was written
     */
    boolean append(int kind, int partition, long timestampMs, byte[] key, byte[] value) {
        long size = ENTRY_OVERHEAD_BYTES + (long) key.length + value.length;
        if (bytesWritten + size > maxBytes) {
            return false;
        }
        try {
            if (out == null) {
                open();
            }
            out.writeByte(kind);
            out.writeInt(partition);
            out.writeLong(timestampMs);
            out.writeInt(key.length);
            out.write(key);
            out.writeInt(value.length);
            out.write(value);
        } catch (IOException e) {
            lastFailure = e;
            return false;
        }
        bytesWritten += size;
        written++;
        appendedTotal++;
        return true;
    }

    /**
     * Hands up to {@code limit} entries, oldest first, to the visitor and removes them. When the journal becomes
     * empty its file is deleted.
     *
     * @return how many were handed on; fewer than asked when the journal became empty, the visitor asked to stop,
     *         or on an I/O error
     */
    int take(EntryVisitor visitor, int limit) {
        int taken = 0;
        try {
            if (read < written) {
                out.flush();
                if (in == null) {
                    in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
                }
            }
            while (taken < limit && read < written) {
                int kind = in.readUnsignedByte();
                int partition = in.readInt();
                long timestampMs = in.readLong();
                byte[] key = new byte[in.readInt()];
                in.readFully(key);
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                read++;
                taken++;
                if (!visitor.accept(kind, partition, timestampMs, key, value)) {
                    break;
                }
            }
        } catch (IOException e) {
            lastFailure = e;
            return taken;
        }
        if (read == written && file != null) {
            reset();
        }
        return taken;
    }

    /** Entries waiting to be taken. */
    long size() {
        return written - read;
    }

    /** Whether no entry is waiting. */
    boolean isEmpty() {
        return written == read;
    }

    /** Every entry appended so far, including those already taken. */
    long appendedTotal() {
        return appendedTotal;
    }

    /** Where the current file is, when one exists. */
    Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The last I/O error, when one happened (it refused an append or stopped a take). */
    Optional<IOException> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    private void open() throws IOException {
        Path directory = configuredDirectory.isPresent()
                ? Files.createDirectories(configuredDirectory.get())
                : Files.createTempDirectory("loadstream-journal-");
        file = directory.resolve(fileName);
        OutputStream stream = Files.newOutputStream(file);
        out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
    }

    /** Closes and deletes the file; the journal is empty afterwards. */
    private void reset() {
        closeQuietly(in);
        closeQuietly(out);
        try {
            Files.deleteIfExists(file);
            if (configuredDirectory.isEmpty()) {
                Files.deleteIfExists(file.getParent());
            }
        } catch (IOException e) {
            lastFailure = e;
        }
        in = null;
        out = null;
        file = null;
        bytesWritten = 0;
        written = 0;
        read = 0;
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Nothing is left to write or read: the file is deleted next.
        }
    }

    /** Deletes the file with whatever it still holds; the caller has counted those entries as lost. */
    @Override
    public void close() {
        if (file != null) {
            reset();
        }
    }
}
