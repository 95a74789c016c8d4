package io.loadstream.demo;

/** The services of the reference's system, each a prefix of the demo target's paths. */
public enum DemoService {
    /** Review campaigns, listings, reviewers and their analytics: {@code /api/review/...}. */
    REVIEW,
    /** Social-media accounts, posts, analytics and revenue: {@code /api/sns/...}. */
    SNS,
    /** KPIs, analytics, performance and reports: {@code /api/dashboard/...}. */
    DASHBOARD,
    /** Users, profiles and settings: {@code /api/users/...}. */
    USER,
    /** Public pages and the health check: {@code /api/public/...} and {@code /health}. */
    PUBLIC
}
