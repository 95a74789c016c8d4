package io.loadstream.reporter.html;

/** HTML escaping for text and attribute values. */
public final class Html {

    private Html() {
    }

    /**
     * Escapes a string for HTML text or a double- or single-quoted attribute value.
     *
     * @param text any string, e.g. an endpoint name from a plan; null gives an empty string
     * @return the text with {@code & < > " '} replaced by character references
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
