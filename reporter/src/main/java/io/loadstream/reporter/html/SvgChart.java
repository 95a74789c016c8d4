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

    private static final int WIDTH = 640;
    private static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 64;
    private static final int TOP = 16;
    private static final int BOTTOM = 36;

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
     * Draws a chart.
     *
     * @param title      heading (escaped)
     * @param leftUnit   unit of the left axis, e.g. {@code ms}
     * @param rightUnit  unit of the right axis, or empty for none
     * @param series     the lines
     * @return an HTML fragment: a figure with the SVG and a legend
     */
    static String render(String title, String leftUnit, String rightUnit, List<Series> series) {
        StringBuilder svg = new StringBuilder();
        svg.append("<figure class=\"chart\"><figcaption>").append(Html.escape(title)).append("</figcaption>");
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
        maxLeft = nice(maxLeft);
        maxRight = nice(maxRight);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        svg.append("<svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\">");
        // Grid and y labels: 5 steps.
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotH - plotH * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>",
                    LEFT, y, LEFT + plotW, y));
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s"
                    + "</text>", LEFT - 6, y + 4, Html.escape(label(maxLeft * i / 4.0, leftUnit))));
            if (!rightUnit.isEmpty()) {
                svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%.1f\">%s</text>",
                        LEFT + plotW + 6, y + 4, Html.escape(label(maxRight * i / 4.0, rightUnit))));
            }
        }
        // x labels: 6 steps, as m:ss.
        for (int i = 0; i <= 5; i++) {
            double x = LEFT + plotW * i / 5.0;
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                    + "%s</text>", x, HEIGHT - BOTTOM + 18, clock(maxX * i / 5.0)));
        }
        svg.append(String.format(Locale.ROOT, "<line class=\"frame\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
                LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        for (Series s : series) {
            double max = s.right() ? maxRight : maxLeft;
            List<String> points = new ArrayList<>();
            for (int i = 0; i < s.xs().length; i++) {
                double x = LEFT + plotW * s.xs()[i] / maxX;
                double y = TOP + plotH - (max <= 0 ? 0 : plotH * s.ys()[i] / max);
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
        svg.append("</svg><div class=\"legend\">");
        for (Series s : series) {
            svg.append("<span><i style=\"background:").append(Html.escape(s.color())).append("\"></i>")
                    .append(Html.escape(s.name())).append(s.right() && !rightUnit.isEmpty() ? " (right axis)" : "")
                    .append("</span>");
        }
        return svg.append("</div></figure>").toString();
    }

    /** Rounds an axis maximum up to 1, 2 or 5 times a power of ten. */
    static double nice(double max) {
        if (max <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= max) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String label(double value, String unit) {
        String number = value >= 100 || value == Math.rint(value) ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
        return unit.isEmpty() ? number : number + " " + unit;
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
