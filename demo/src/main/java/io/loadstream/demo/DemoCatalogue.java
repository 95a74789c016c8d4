package io.loadstream.demo;

import static io.loadstream.demo.DemoService.DASHBOARD;
import static io.loadstream.demo.DemoService.PUBLIC;
import static io.loadstream.demo.DemoService.REVIEW;
import static io.loadstream.demo.DemoService.SNS;
import static io.loadstream.demo.DemoService.USER;

import java.util.List;

/**
 * The demo target's endpoints, shaped like the reference's system (docs/DEMO_TARGET.md lists them). The latency
 * profiles follow the reference's benchmark table: for each row, the body's median sits inside the row's "Avg"
 * range and its 95th percentile near the row's p95, and the outliers give a p99 near the row's p99.
 */
public final class DemoCatalogue {

    /** Review campaigns list: reference avg 120-200 ms, p95 300 ms, p99 450 ms. */
    public static final LatencyProfile REVIEW_CAMPAIGNS = new LatencyProfile(40, 150, 290, 1_200, 0.004);
    /** Review listings: reference avg 100-180 ms, p95 280 ms, p99 400 ms. */
    public static final LatencyProfile REVIEW_LISTINGS = new LatencyProfile(30, 130, 265, 1_000, 0.004);
    /** SNS accounts: reference avg 80-120 ms, p95 200 ms, p99 300 ms. */
    public static final LatencyProfile SNS_ACCOUNTS = new LatencyProfile(25, 95, 190, 800, 0.003);
    /** SNS posts: reference avg 200-350 ms, p95 500 ms, p99 800 ms. */
    public static final LatencyProfile SNS_POSTS = new LatencyProfile(80, 260, 480, 1_800, 0.005);
    /** SNS analytics, the heaviest: reference avg 300-600 ms, p95 900 ms, p99 1,200 ms. */
    public static final LatencyProfile SNS_ANALYTICS = new LatencyProfile(150, 430, 850, 2_500, 0.005);
    /** Dashboard KPIs and analytics: reference avg 250-400 ms, p95 600 ms, p99 1,000 ms. */
    public static final LatencyProfile DASHBOARD_KPIS = new LatencyProfile(100, 300, 570, 2_000, 0.006);
    /** Reading one record by id (not in the reference's table): faster than the lists. */
    public static final LatencyProfile DETAIL = new LatencyProfile(10, 45, 110, 600, 0.002);
    /** Creating, changing or deleting a record (not in the reference's table). */
    public static final LatencyProfile WRITE = new LatencyProfile(40, 160, 350, 1_500, 0.004);
    /** Public pages (not in the reference's table): cached, fast. */
    public static final LatencyProfile PUBLIC_PAGE = new LatencyProfile(5, 25, 60, 400, 0.001);
    /** The health check: answered at once, outside the worker pool. */
    public static final LatencyProfile HEALTH = LatencyProfile.fixed(0);

    /** Reads fail rarely. */
    private static final double READ_ERRORS = 0.002;
    /** Heavy analytics queries time out more often. */
    private static final double HEAVY_ERRORS = 0.008;
    /** Writes contend for locks. */
    private static final double WRITE_ERRORS = 0.005;
    /** Public pages are cached. */
    private static final double PUBLIC_ERRORS = 0.001;

    /** The path of the health check, which needs no token and does not wait for a worker. */
    public static final String HEALTH_PATH = "/health";

    private static final List<DemoEndpoint> STANDARD = List.of(
            // Review: campaigns, listings, reviewers, analytics.
            get(REVIEW, "/api/review/campaigns", REVIEW_CAMPAIGNS, READ_ERRORS),
            get(REVIEW, "/api/review/campaigns/{id}", DETAIL, READ_ERRORS),
            write("POST", REVIEW, "/api/review/campaigns"),
            write("PUT", REVIEW, "/api/review/campaigns/{id}"),
            write("DELETE", REVIEW, "/api/review/campaigns/{id}"),
            get(REVIEW, "/api/review/campaigns/{id}/applications", REVIEW_LISTINGS, READ_ERRORS),
            write("POST", REVIEW, "/api/review/campaigns/{id}/applications"),
            get(REVIEW, "/api/review/campaigns/{id}/analytics", DASHBOARD_KPIS, HEAVY_ERRORS),
            get(REVIEW, "/api/review/listings", REVIEW_LISTINGS, READ_ERRORS),
            get(REVIEW, "/api/review/listings/{id}", DETAIL, READ_ERRORS),
            get(REVIEW, "/api/review/listings/search", REVIEW_LISTINGS, READ_ERRORS),
            get(REVIEW, "/api/review/categories", DETAIL, READ_ERRORS),
            get(REVIEW, "/api/review/reviewers", REVIEW_LISTINGS, READ_ERRORS),
            get(REVIEW, "/api/review/reviewers/{id}", DETAIL, READ_ERRORS),
            get(REVIEW, "/api/review/analytics", DASHBOARD_KPIS, HEAVY_ERRORS),
            // SNS: accounts, posts, analytics, revenue.
            get(SNS, "/api/sns/accounts", SNS_ACCOUNTS, READ_ERRORS),
            get(SNS, "/api/sns/accounts/{id}", DETAIL, READ_ERRORS),
            write("POST", SNS, "/api/sns/accounts"),
            write("DELETE", SNS, "/api/sns/accounts/{id}"),
            get(SNS, "/api/sns/posts", SNS_POSTS, READ_ERRORS),
            get(SNS, "/api/sns/posts/{id}", DETAIL, READ_ERRORS),
            write("POST", SNS, "/api/sns/posts"),
            write("PUT", SNS, "/api/sns/posts/{id}"),
            write("DELETE", SNS, "/api/sns/posts/{id}"),
            write("POST", SNS, "/api/sns/posts/{id}/publish"),
            get(SNS, "/api/sns/posts/scheduled", SNS_POSTS, READ_ERRORS),
            get(SNS, "/api/sns/analytics", SNS_ANALYTICS, HEAVY_ERRORS),
            get(SNS, "/api/sns/analytics/accounts/{id}", SNS_ANALYTICS, HEAVY_ERRORS),
            get(SNS, "/api/sns/analytics/posts/{id}", SNS_ANALYTICS, HEAVY_ERRORS),
            get(SNS, "/api/sns/revenue", DASHBOARD_KPIS, HEAVY_ERRORS),
            get(SNS, "/api/sns/revenue/{id}", DETAIL, READ_ERRORS),
            get(SNS, "/api/sns/trending", SNS_POSTS, READ_ERRORS),
            get(SNS, "/api/sns/hashtags", SNS_ACCOUNTS, READ_ERRORS),
            // Dashboard: KPIs, analytics, performance, reports.
            get(DASHBOARD, "/api/dashboard/kpis", DASHBOARD_KPIS, HEAVY_ERRORS),
            get(DASHBOARD, "/api/dashboard/analytics", DASHBOARD_KPIS, HEAVY_ERRORS),
            get(DASHBOARD, "/api/dashboard/analytics/overview", DASHBOARD_KPIS, HEAVY_ERRORS),
            get(DASHBOARD, "/api/dashboard/performance", DASHBOARD_KPIS, HEAVY_ERRORS),
            get(DASHBOARD, "/api/dashboard/performance/roi", DASHBOARD_KPIS, HEAVY_ERRORS),
            get(DASHBOARD, "/api/dashboard/revenue", DASHBOARD_KPIS, HEAVY_ERRORS),
            get(DASHBOARD, "/api/dashboard/activity", SNS_ACCOUNTS, READ_ERRORS),
            get(DASHBOARD, "/api/dashboard/alerts", SNS_ACCOUNTS, READ_ERRORS),
            get(DASHBOARD, "/api/dashboard/widgets", DETAIL, READ_ERRORS),
            get(DASHBOARD, "/api/dashboard/reports", REVIEW_LISTINGS, READ_ERRORS),
            get(DASHBOARD, "/api/dashboard/reports/{id}", DETAIL, READ_ERRORS),
            write("POST", DASHBOARD, "/api/dashboard/reports"),
            // User management: users, profiles, settings.
            get(USER, "/api/users", REVIEW_LISTINGS, READ_ERRORS),
            write("POST", USER, "/api/users"),
            get(USER, "/api/users/me", DETAIL, READ_ERRORS),
            get(USER, "/api/users/{id}", DETAIL, READ_ERRORS),
            get(USER, "/api/users/{id}/profile", DETAIL, READ_ERRORS),
            write("PUT", USER, "/api/users/{id}/profile"),
            get(USER, "/api/users/{id}/settings", DETAIL, READ_ERRORS),
            write("PATCH", USER, "/api/users/{id}/settings"),
            get(USER, "/api/users/{id}/notifications", SNS_ACCOUNTS, READ_ERRORS),
            // Public pages and the health check.
            get(PUBLIC, "/api/public/home", PUBLIC_PAGE, PUBLIC_ERRORS),
            get(PUBLIC, "/api/public/platform", PUBLIC_PAGE, PUBLIC_ERRORS),
            get(PUBLIC, "/api/public/pricing", PUBLIC_PAGE, PUBLIC_ERRORS),
            get(PUBLIC, "/api/public/features", PUBLIC_PAGE, PUBLIC_ERRORS),
            get(PUBLIC, "/api/public/status", PUBLIC_PAGE, PUBLIC_ERRORS),
            new DemoEndpoint("GET", HEALTH_PATH, PUBLIC, HEALTH, 0));

    private DemoCatalogue() {
    }

    /** The standard catalogue: 60 endpoints across the five services. */
    public static List<DemoEndpoint> standard() {
        return STANDARD;
    }

    private static DemoEndpoint get(DemoService service, String path, LatencyProfile latency, double errorRate) {
        return new DemoEndpoint("GET", path, service, latency, errorRate);
    }

    private static DemoEndpoint write(String method, DemoService service, String path) {
        return new DemoEndpoint(method, path, service, WRITE, WRITE_ERRORS);
    }
}
