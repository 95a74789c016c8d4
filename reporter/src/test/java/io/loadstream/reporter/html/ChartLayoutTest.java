package io.loadstream.reporter.html;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.reporter.report.RunReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The charts of the sample report are readable: every label lies inside its SVG's view box (nothing clipped), the
 * ticks are round numbers and round times, and the p95 charts include the endpoint that failed a threshold.
 */
class ChartLayoutTest {

    private static final Pattern SVG = Pattern.compile("<svg viewBox=\"0 0 (\\d+) (\\d+)\"[^>]*>(.*?)</svg>");
    private static final Pattern TEXT = Pattern.compile("<text class=\"axis\" x=\"([-\\d.]+)\" y=\"([-\\d.]+)\""
            + "(?: text-anchor=\"(\\w+)\")?>(.*?)</text>");
    private static final double FONT_HEIGHT = 11;

    private final RunReport report = HtmlReportTest.sampleReport();
    private final String html = HtmlReport.render(report);

    @Test
    void everyAxisLabelLiesInsideItsChart() {
        Matcher svg = SVG.matcher(html);
        int charts = 0;
        int labels = 0;
        while (svg.find()) {
            charts++;
            double width = Double.parseDouble(svg.group(1));
            double height = Double.parseDouble(svg.group(2));
            Matcher text = TEXT.matcher(svg.group(3));
            while (text.find()) {
                labels++;
                double x = Double.parseDouble(text.group(1));
                double y = Double.parseDouble(text.group(2));
                String anchor = text.group(3) == null ? "start" : text.group(3);
                double w = unescape(text.group(4)).length() * SvgChart.CHAR_WIDTH;
                double from = switch (anchor) {
                    case "end" -> x - w;
                    case "middle" -> x - w / 2;
                    default -> x;
                };
                assertThat(from).as("left edge of '%s'", text.group(4)).isGreaterThanOrEqualTo(0);
                assertThat(from + w).as("right edge of '%s'", text.group(4)).isLessThanOrEqualTo(width);
                assertThat(y - FONT_HEIGHT).as("top of '%s'", text.group(4)).isGreaterThanOrEqualTo(0);
                assertThat(y).as("baseline of '%s'", text.group(4)).isLessThanOrEqualTo(height);
            }
        }
        assertThat(charts).isGreaterThanOrEqualTo(6);
        assertThat(labels).isGreaterThan(50);
    }

    @Test
    void timeTicksAreRoundAndValueTicksAreRoundSteps() {
        Matcher svg = SVG.matcher(html);
        while (svg.find()) {
            List<Double> values = new ArrayList<>();
            Set<Long> seconds = new TreeSet<>();
            Matcher text = TEXT.matcher(svg.group(3));
            while (text.find()) {
                String label = text.group(4);
                if (label.matches("\\d+:\\d\\d")) {
                    String[] parts = label.split(":");
                    seconds.add(Long.parseLong(parts[0]) * 60 + Long.parseLong(parts[1]));
                } else if ("end".equals(text.group(3)) && label.matches("[\\d,.]+")) {
                    values.add(Double.parseDouble(label.replace(",", "")));
                }
            }
            // the sample run lasts 2 minutes: labels every 20 or 30 s, from 0:00
            assertThat(seconds).first().isEqualTo(0L);
            assertThat(seconds).allSatisfy(s -> assertThat(s % 10).isZero());
            double step = values.get(1) - values.get(0);
            double mantissa = step / Math.pow(10, Math.floor(Math.log10(step)));
            assertThat(Math.round(mantissa * 1000) / 1000.0).as("step %s", step).isIn(1.0, 2.0, 5.0);
        }
    }

    @Test
    void theP95ChartsShowTheEndpointThatFailedAThresholdAndTheSlowest() {
        assertThat(report.thresholds()).anySatisfy(t -> assertThat(t.passed()).isFalse());
        assertThat(html).contains("GET /api/sns/analytics \u2014 p95").contains("\u2717 threshold failed");
        assertThat(html).contains("p95 per endpoint: those that failed a threshold, then the slowest (8 of 10)");
    }

    private static String unescape(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", "\"")
                .replace("&#39;", "'");
    }
}
