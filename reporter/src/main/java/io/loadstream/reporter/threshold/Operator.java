package io.loadstream.reporter.threshold;

/** The comparison of a threshold expression; the threshold passes when {@code observed OP bound} holds. */
public enum Operator {
    /** Less than. */
    LT("<"),
    /** Less than or equal. */
    LE("<="),
    /** Greater than. */
    GT(">"),
    /** Greater than or equal. */
    GE(">="),
    /** Equal. */
    EQ("=="),
    /** Not equal. */
    NE("!=");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    /** As written in a plan, e.g. {@code <=}. */
    public String symbol() {
        return symbol;
    }

    /**
     * Compares.
     *
     * @param observed the value computed from the data
     * @param bound    the number in the expression
     * @return whether {@code observed OP bound} holds
     */
    public boolean test(double observed, double bound) {
        return switch (this) {
            case LT -> observed < bound;
            case LE -> observed <= bound;
            case GT -> observed > bound;
            case GE -> observed >= bound;
            case EQ -> observed == bound;
            case NE -> observed != bound;
        };
    }

    /**
     * Finds an operator by its symbol.
     *
     * @param symbol e.g. {@code <=}
     * @return the operator
     * @throws IllegalArgumentException when the symbol is not one of {@code < <= > >= == !=}
     */
    public static Operator of(String symbol) {
        for (Operator op : values()) {
            if (op.symbol.equals(symbol)) {
                return op;
            }
        }
        throw new IllegalArgumentException("Unknown operator '" + symbol + "'");
    }
}
