package io.loadstream.reporter.html;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG, drawn on the server so that the report needs no script library. Time runs along x
 * (seconds from the start of the run), values along y from 0. Each series may use the left or the right axis.
 */
final class SvgChart {

    /** Colors of the series, in order; chosen to stay apart for the usual color blindness. */
    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
        "#7f7f7f", "#bcbd22", "#17becf"};

    /**
     * The size of a chart and of its margins, in SVG user units (the axis text is 11 units high).
     *
     * @param width  whole width
     * @param height whole height
     * @param left   room for the left axis' numbers
     * @param right  room for the right axis' numbers
     * @param top    room for the axis units above the plot
     * @param bottom room for the time labels
     */
    record Layout(int width, int height, int left, int right, int top, int bottom) {
        /** A chart of its own. */
        static final Layout FULL = new Layout(640, 260, 56, 56, 24, 34);
        /** One of a set of small multiples. */
        static final Layout SMALL = new Layout(320, 170, 48, 14, 22, 30);
    }

    /** Width of one character of axis text, in user units: generous for 11 px digits of a sans-serif font. */
    static final double CHAR_WIDTH = 7.0;

    /** Round steps of the time axis, in seconds. */
    private static final long[] TIME_STEPS = {1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600,
        7200, 10800, 21600, 43200, 86400};

    /**
     * One line.
     *
     * @param name   legend text (escaped when drawn)
     * @param color  CSS color
     * @param xs     seconds from the start
     * @param ys     values
     * @param right  whether it uses the right axis
     * @param dashed whether the line is dashed
     */
    record Series(String name, String color, double[] xs, double[] ys, boolean right, boolean dashed) {
    }

    private SvgChart() {
    }

    /**
     * Draws a chart of its own size.
     *
     * @param title      heading (escaped)
     * @param leftUnit   unit of the left axis, e.g. {@code ms}
     * @param rightUnit  unit of the right axis, or empty for none
     * @param series     the lines
     * @return an HTML fragment: a figure with the SVG and a legend
     */
    static String render(String title, String leftUnit, String rightUnit, List<Series> series) {
        return render(title, leftUnit, rightUnit, series, Layout.FULL, true);
    }

    /**
     * Draws a chart.
     *
     * @param title      heading (escaped)
     * @param leftUnit   unit of the left axis, e.g. {@code ms}
     * @param rightUnit  unit of the right axis, or empty for none
     * @param series     the lines
     * @param layout     size and margins
     * @param legend     whether to add the legend under the chart
     * @return an HTML fragment: a figure with the SVG and a legend
     */
    static String render(String title, String leftUnit, String rightUnit, List<Series> series, Layout layout,
                         boolean legend) {
        StringBuilder svg = new StringBuilder();
        svg.append("<figure class=\"chart").append(layout == Layout.SMALL ? " small" : "")
                .append("\"><figcaption>").append(Html.escape(title)).append("</figcaption>");
        boolean any = series.stream().anyMatch(s -> s.xs().length > 0);
        if (!any) {
            return svg.append("<p class=\"empty\">No data.</p></figure>").toString();
        }
        double maxX = 1;
        double maxLeft = 0;
        double maxRight = 0;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                maxX = Math.max(maxX, s.xs()[i]);
                if (s.right()) {
                    maxRight = Math.max(maxRight, s.ys()[i]);
                } else {
                    maxLeft = Math.max(maxLeft, s.ys()[i]);
                }
            }
        }
        double leftStep = niceStep(maxLeft / 4);
        double rightStep = niceStep(maxRight / 4);
        int leftTicks = ticks(maxLeft, leftStep);
        int rightTicks = ticks(maxRight, rightStep);
        maxLeft = leftStep * leftTicks;
        maxRight = rightStep * rightTicks;
        int plotW = layout.width() - layout.left() - layout.right();
        int plotH = layout.height() - layout.top() - layout.bottom();
        int left = layout.left();
        int top = layout.top();
        svg.append("<svg viewBox=\"0 0 ").append(layout.width()).append(' ').append(layout.height())
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\">");
        // Units above the axes, so that the tick labels are plain numbers that fit their margin.
        svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\">%s</text>", 2, top - 10,
                Html.escape(leftUnit)));
        if (!rightUnit.isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s"
                    + "</text>", layout.width() - 2, top - 10, Html.escape(rightUnit)));
        }
        for (int i = 0; i <= leftTicks; i++) {
            double y = top + plotH - plotH * i / (double) leftTicks;
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>",
                    left, y, left + plotW, y));
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s"
                    + "</text>", left - 5, y + 4, label(leftStep * i, leftStep)));
        }
        if (!rightUnit.isEmpty()) {
            for (int i = 0; i <= rightTicks; i++) {
                double y = top + plotH - plotH * i / (double) rightTicks;
                svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%.1f\">%s</text>",
                        left + plotW + 5, y + 4, label(rightStep * i, rightStep)));
            }
        }
        // Time labels at round steps (10 s, 30 s, 1 min, ...), as m:ss from the start of the run.
        long timeStep = timeStep(maxX, layout == Layout.SMALL ? 4 : 6);
        for (long t = 0; t <= maxX + 1e-9; t += timeStep) {
            double x = left + plotW * t / maxX;
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>",
                    x, top + plotH, x, top + plotH + 4));
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                    + "%s</text>", x, top + plotH + 17, clock(t)));
        }
        svg.append(String.format(Locale.ROOT, "<line class=\"frame\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
                left, top + plotH, left + plotW, top + plotH));
        for (Series s : series) {
            double max = s.right() ? maxRight : maxLeft;
            List<String> points = new ArrayList<>();
            for (int i = 0; i < s.xs().length; i++) {
                double x = left + plotW * s.xs()[i] / maxX;
                double y = top + plotH - (max <= 0 ? 0 : plotH * s.ys()[i] / max);
                points.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            }
            svg.append("<polyline fill=\"none\" stroke=\"").append(Html.escape(s.color()))
                    .append("\" stroke-width=\"1.8\"").append(s.dashed() ? " stroke-dasharray=\"5 3\"" : "")
                    .append(" points=\"").append(String.join(" ", points)).append("\"><title>")
                    .append(Html.escape(s.name())).append("</title></polyline>");
            if (s.xs().length == 1) {
                String[] xy = points.get(0).split(",");
                svg.append("<circle r=\"3\" cx=\"").append(xy[0]).append("\" cy=\"").append(xy[1])
                        .append("\" fill=\"").append(Html.escape(s.color())).append("\"/>");
            }
        }
        svg.append("</svg>");
        if (legend) {
            svg.append("<div class=\"legend\">");
            for (Series s : series) {
                svg.append("<span><i style=\"background:").append(Html.escape(s.color())).append("\"></i>")
                        .append(Html.escape(s.name())).append(s.right() && !rightUnit.isEmpty() ? " (right axis)" : "")
                        .append("</span>");
            }
            svg.append("</div>");
        }
        return svg.append("</figure>").toString();
    }

    /** How many steps of {@code step} reach {@code max}: at least 1. */
    private static int ticks(double max, double step) {
        return Math.max(1, (int) Math.ceil(max / step - 1e-9));
    }

    /**
     * The smallest round step (1, 2 or 5 times a power of ten) at least {@code raw}.
     *
     * @param raw the step wanted
     * @return the round step; 1 when {@code raw} is not positive
     */
    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= raw * (1 - 1e-9)) {
                return m * power;
            }
        }
        return 10 * power;
    }

    /**
     * The smallest round time step that puts at most {@code labels} steps on an axis of {@code seconds}.
     *
     * @param seconds length of the axis
     * @param labels  most steps wanted
     * @return seconds between labels
     */
    static long timeStep(double seconds, int labels) {
        for (long step : TIME_STEPS) {
            if (seconds / step <= labels) {
                return step;
            }
        }
        return (long) Math.ceil(seconds / labels / 86400) * 86400;
    }

    /** A tick value with as many decimals as its step needs, and thousands separators. */
    private static String label(double value, double step) {
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
