package io.loadstream.reporter.capacity;

import java.util.List;
import java.util.Optional;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * Gunther's Universal Scalability Law fitted by least squares (Commons Math's {@link LevenbergMarquardtOptimizer}):
 * throughput at concurrency N is {@code X(N) = λN / (1 + σ(N−1) + κN(N−1))}, where λ is the throughput of one
 * request in flight, σ the share of contention (serialized work) and κ the coherency cost (crosstalk). Parameters are
 * kept in their range (λ &gt; 0, {@value #MIN_SIGMA} ≤ σ ≤ 1, κ ≥ 0) by clamping after each step.
 *
 * <p>A negative σ is Gunther's superlinear USL (Gunther, Puglia and Tomasette, "Hadoop Superlinear Scalability",
 * ACM Queue 13(5), 2015): throughput per request in flight that first grows with the load, as it does on a target
 * whose threads wake faster when busy or whose caches warm up. Held at σ ≥ 0, such points push λ up and the peak far
 * above the data; the law with σ &lt; 0 still has its peak at √((1−σ)/κ). When the fitted σ &lt; 0 leaves the law
 * without a finite positive throughput at every concurrency (a pole), the classic fit with σ ≥ 0 is used instead.
 * Stateless.
 */
public final class UslFit {

    private static final int MAX_EVALUATIONS = 10_000;
    /** The lowest σ tried: below −1 the law's denominator is already negative at two requests in flight. */
    static final double MIN_SIGMA = -1;

    private UslFit() {
    }

    /**
     * A point: throughput at a concurrency.
     *
     * @param concurrency requests in flight on average (Little's law: throughput × mean latency)
     * @param rps         throughput, requests per second
     */
    public record Point(double concurrency, double rps) {
    }

    /**
     * The fitted law.
     *
     * @param lambda throughput per unit of concurrency without contention, requests per second
     * @param sigma  contention, −1 to 1 (negative: superlinear scaling)
     * @param kappa  coherency, at least 0
     * @param r2     coefficient of determination of the fit on its points (1 is perfect)
     */
    public record Model(double lambda, double sigma, double kappa, double r2) {

        /**
         * Throughput predicted at a concurrency.
         *
         * @param n concurrency, at least 0
         * @return requests per second
         */
        public double rps(double n) {
            return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
        }

        /**
         * The concurrency of the highest throughput, {@code √((1−σ)/κ)}; infinite when κ is 0 (throughput then
         * approaches λ/σ without a peak).
         */
        public double peakConcurrency() {
            return kappa <= 0 ? Double.POSITIVE_INFINITY : Math.sqrt((1 - sigma) / kappa);
        }

        /** The highest throughput: at {@link #peakConcurrency()}, or the asymptote λ/σ when κ is 0. */
        public double peakRps() {
            double n = peakConcurrency();
            if (Double.isInfinite(n)) {
                return sigma <= 0 ? Double.POSITIVE_INFINITY : lambda / sigma;
            }
            return rps(n);
        }

        /**
         * The knee: the concurrency where the line of ideal scaling, λN, reaches the peak throughput (Kleinrock's
         * optimal number in flight): below it requests rarely wait for each other, above it they mostly queue.
         */
        public double kneeConcurrency() {
            return peakRps() / lambda;
        }
    }

    /**
     * Fits the law.
     *
     * @param points at least 3 points with positive concurrency and throughput
     * @return the model, or empty when the optimizer does not converge
     * @throws IllegalArgumentException when there are fewer than 3 points
     */
    public static Optional<Model> fit(List<Point> points) {
        if (points.size() < 3) {
            throw new IllegalArgumentException("A USL fit needs at least 3 points, not " + points.size());
        }
        Optional<Model> superlinear = fit(points, MIN_SIGMA);
        if (superlinear.isPresent() && superlinear.get().sigma() < 0 && !positiveEverywhere(superlinear.get())) {
            return fit(points, 0);
        }
        return superlinear;
    }

    /**
     * Whether the law's denominator {@code 1 + σm + κm(m+1)}, with m = N−1, stays positive for every N ≥ 1: it
     * does when σ + κ ≥ 0, or else when that quadratic in m has no real root.
     */
    private static boolean positiveEverywhere(Model model) {
        double linear = model.sigma() + model.kappa();
        return linear >= 0 || linear * linear < 4 * model.kappa();
    }

    private static Optional<Model> fit(List<Point> points, double minSigma) {
        double[] n = points.stream().mapToDouble(Point::concurrency).toArray();
        double[] x = points.stream().mapToDouble(Point::rps).toArray();
        double lambda0 = 0;
        for (int i = 0; i < n.length; i++) {
            lambda0 = Math.max(lambda0, x[i] / Math.max(n[i], 1e-9));
        }
        MultivariateJacobianFunction model = p -> {
            double l = p.getEntry(0);
            double s = p.getEntry(1);
            double k = p.getEntry(2);
            RealVector value = new ArrayRealVector(n.length);
            Array2DRowRealMatrix jacobian = new Array2DRowRealMatrix(n.length, 3);
            for (int i = 0; i < n.length; i++) {
                double d = 1 + s * (n[i] - 1) + k * n[i] * (n[i] - 1);
                value.setEntry(i, l * n[i] / d);
                jacobian.setEntry(i, 0, n[i] / d);
                jacobian.setEntry(i, 1, -l * n[i] * (n[i] - 1) / (d * d));
                jacobian.setEntry(i, 2, -l * n[i] * n[i] * (n[i] - 1) / (d * d));
            }
            return new Pair<>(value, jacobian);
        };
        try {
            LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer().optimize(
                    new LeastSquaresBuilder().model(model).target(x).start(new double[] {lambda0, 0.05, 1e-4})
                            .parameterValidator(p -> {
                                RealVector v = p.copy();
                                v.setEntry(0, Math.max(1e-12, v.getEntry(0)));
                                v.setEntry(1, Math.min(1, Math.max(minSigma, v.getEntry(1))));
                                v.setEntry(2, Math.max(0, v.getEntry(2)));
                                return v;
                            })
                            .maxEvaluations(MAX_EVALUATIONS).maxIterations(MAX_EVALUATIONS).build());
            RealVector p = optimum.getPoint();
            Model fitted = new Model(p.getEntry(0), p.getEntry(1), p.getEntry(2), 0);
            double mean = 0;
            for (double v : x) {
                mean += v / x.length;
            }
            double residual = 0;
            double total = 0;
            for (int i = 0; i < n.length; i++) {
                residual += Math.pow(x[i] - fitted.rps(n[i]), 2);
                total += Math.pow(x[i] - mean, 2);
            }
            double r2 = total == 0 ? 0 : 1 - residual / total;
            return Optional.of(new Model(fitted.lambda(), fitted.sigma(), fitted.kappa(), r2));
        } catch (RuntimeException e) {
            // TooManyEvaluationsException, ConvergenceException: the data does not pin the law down.
            return Optional.empty();
        }
    }
}
