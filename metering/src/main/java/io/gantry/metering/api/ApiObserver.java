package io.gantry.metering.api;

/** What the HTTP layer reports to metrics. */
public interface ApiObserver {
    void request(String route, String method, int status, long nanos);

    /** A usage batch committed: records received, how many of them were new, time from arrival to commit. */
    void ingested(int received, int stored, long nanos);

    /** The Prometheus text exposition. */
    String scrape();
}
