//! Every Prometheus metric of the service, defined once, in one registry per application
//! (not the global default registry, so tests can build several applications in a process).

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_duration: HistogramVec,
    pub comments_submitted: IntCounterVec,
    pub sse_connections: IntGauge,
    pub backend_errors: IntCounterVec,
    pub filter_reasons: IntCounterVec,
    pub filter_duration: Histogram,
    pub moderation_queue_depth: IntGaugeVec,
    pub moderation_decisions: IntCounterVec,
    pub moderation_decision_latency: HistogramVec,
    pub views: IntCounterVec,
    pub views_lost: IntCounterVec,
    pub view_flush_batch_size: Histogram,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let http_requests = IntCounterVec::new(
            Opts::new(
                "majlis_http_requests_total",
                "HTTP requests by route pattern and status",
            ),
            &["method", "route", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new("majlis_http_request_duration_seconds", "HTTP request duration").buckets(
                vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ],
            ),
            &["method", "route"],
        )?;
        let comments_submitted = IntCounterVec::new(
            Opts::new("majlis_comments_submitted_total", "New comments by outcome"),
            &["site", "outcome"],
        )?;
        let sse_connections = IntGauge::new("majlis_sse_connections", "Open Server-Sent Events streams")?;
        let backend_errors = IntCounterVec::new(
            Opts::new("majlis_backend_errors_total", "Failed calls to a backing service"),
            &["backend"],
        )?;
        let filter_reasons = IntCounterVec::new(
            Opts::new("majlis_filter_reasons_total", "Reasons given by the filter"),
            &["code"],
        )?;
        let filter_duration = Histogram::with_opts(
            HistogramOpts::new("majlis_filter_duration_seconds", "Time to judge one text")
                .buckets(vec![0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03]),
        )?;
        let moderation_queue_depth = IntGaugeVec::new(
            Opts::new("majlis_moderation_queue_depth", "Items in each moderation queue"),
            &["site", "queue"],
        )?;
        let moderation_decisions = IntCounterVec::new(
            Opts::new("majlis_moderation_decisions_total", "Moderators' decisions"),
            &["site", "action"],
        )?;
        // From a comment's submission to its decision: minutes to days.
        let moderation_decision_latency = HistogramVec::new(
            HistogramOpts::new(
                "majlis_moderation_decision_latency_seconds",
                "Time from a comment's submission to a moderator's decision",
            )
            .buckets(vec![
                10.0, 60.0, 300.0, 900.0, 3600.0, 14400.0, 43200.0, 86400.0, 259_200.0, 604_800.0,
            ]),
            &["site"],
        )?;
        registry.register(Box::new(moderation_queue_depth.clone()))?;
        registry.register(Box::new(moderation_decisions.clone()))?;
        registry.register(Box::new(moderation_decision_latency.clone()))?;
        let views = IntCounterVec::new(
            Opts::new("majlis_views_total", "View beacons by outcome"),
            &["site", "counted"],
        )?;
        let views_lost = IntCounterVec::new(
            Opts::new(
                "majlis_views_lost_total",
                "Views that could not be recorded (counters unreachable)",
            ),
            &["site"],
        )?;
        let view_flush_batch_size = Histogram::with_opts(
            HistogramOpts::new(
                "majlis_view_flush_batch_size",
                "Views per flush of the beacon batch",
            )
            .buckets(vec![
                1.0, 10.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 10000.0,
            ]),
        )?;
        registry.register(Box::new(views.clone()))?;
        registry.register(Box::new(views_lost.clone()))?;
        registry.register(Box::new(view_flush_batch_size.clone()))?;
        registry.register(Box::new(filter_reasons.clone()))?;
        registry.register(Box::new(filter_duration.clone()))?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(comments_submitted.clone()))?;
        registry.register(Box::new(sse_connections.clone()))?;
        registry.register(Box::new(backend_errors.clone()))?;
        #[cfg(target_os = "linux")]
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        Ok(Self {
            registry,
            http_requests,
            http_duration,
            comments_submitted,
            sse_connections,
            backend_errors,
            filter_reasons,
            filter_duration,
            moderation_queue_depth,
            moderation_decisions,
            moderation_decision_latency,
            views,
            views_lost,
            view_flush_batch_size,
        })
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut buf = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buf)?;
        String::from_utf8(buf).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}
