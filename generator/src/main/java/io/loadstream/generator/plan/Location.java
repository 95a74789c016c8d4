package io.loadstream.generator.plan;

/**
 * A place in a plan file, for error messages: {@code file:line:column}.
 *
 * @param file   the file name as the user gave it
 * @param line   line number, from 1; 0 when unknown
 * @param column column number, from 1; 0 when unknown
 */
public record Location(String file, int line, int column) {

    /** Formats as {@code file:line:column}, the way compilers do, so editors can jump to it. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
