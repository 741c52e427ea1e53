"""Scrapy settings for defwatch's crawler: polite, bounded and safe by default.

Scrapy's own defaults are neither polite nor bounded (no robots.txt, 1 GiB bodies, 180 s
timeouts), so every knob that matters is set here explicitly. Per-run overrides arrive from the
job file at ``cmdline`` priority (see crawler/run.py).
"""

BOT_NAME = "defwatch"
SPIDER_MODULES = ["crawler.spiders"]  # where site-specific spiders (Source.spider) are looked up
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves with a contact URL so site operators can reach us instead of blocking us.
# Override with DEFWATCH_USER_AGENT (or USER_AGENT) in the job settings.
DEFWATCH_USER_AGENT = "defwatch/0.1 (+https://github.com/defwatch/defwatch; news monitoring)"
USER_AGENT = DEFWATCH_USER_AGENT

# Obey robots.txt. Error policy (crawler.middlewares.RobotsPolicyMiddleware): robots.txt
# 4xx -> allow all; 5xx, timeout or any download error -> the whole site is disallowed for
# this run (fail closed; Scrapy itself fails open).
ROBOTSTXT_OBEY = True

# Adapt the delay to the server's latency; never hammer a slow site.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0  # first delay before latency is known (s)
AUTOTHROTTLE_MAX_DELAY = 30.0  # upper bound for the delay when a server is slow (s)
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # aim for one request in flight per site on average

CONCURRENT_REQUESTS = 16  # across all sites in the process
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # per site: at most two requests in flight
DOWNLOAD_DELAY = 0.5  # minimum seconds between requests to one site (autothrottle raises it)

# Bounded bodies: 16 MiB after decompression (HttpCompressionMiddleware and our sitemap gunzip
# enforce it on inflated bytes, which stops gzip bombs), warn at 4 MiB.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30  # whole-request wall clock limit (s), not per read
DNS_TIMEOUT = 10  # name resolution limit (s)
# The address a connection uses is checked again at connect time (DNS rebinding).
TWISTED_DNS_RESOLVER = "crawler.resolver.PublicOnlyResolver"

# Retries: transient network errors, 429 and 5xx. RetryAfterMiddleware waits per Retry-After
# (capped) or with a small exponential backoff, so a retry never becomes a hot loop.
RETRY_ENABLED = True
RETRY_TIMES = 2  # 1 + 2 attempts at most per URL
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
DEFWATCH_RETRY_AFTER_MAX = 60.0  # longest honoured Retry-After (s); longer values are capped
DEFWATCH_RETRY_BACKOFF = 1.0  # wait before retry n when no Retry-After: BACKOFF * 2**(n-1) s

# Redirects: few hops; Scrapy only follows http(s) targets (file:, data:, ftp: are refused) and
# our SSRF guard re-checks every hop because redirects are new requests.
REDIRECT_ENABLED = True
REDIRECT_MAX_TIMES = 5
METAREFRESH_ENABLED = True  # follow <meta refresh> to http(s) only (Scrapy checks the scheme)
METAREFRESH_MAXDELAY = 30  # ignore refreshes slower than this (s): they are not redirects

# Verify TLS certificates; never fall back to insecure TLS.
DOWNLOAD_VERIFY_CERTIFICATES = True

# Only http(s) can be fetched at all: no file://, data:, ftp:, s3: handlers in this process.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}

# No listening sockets in a crawler process.
TELNETCONSOLE_ENABLED = False

# Cookies are not needed for public news pages and would link our requests across sites.
COOKIES_ENABLED = False

# Block requests to private, loopback, link-local, reserved and CGNAT addresses (SSRF).
# Tests and the local demo set this to True in the job settings.
DEFWATCH_ALLOW_PRIVATE_NETWORKS = False

# Scale-out: when set (e.g. redis://127.0.0.1:6379/0), crawler.run switches to scrapy-redis's
# scheduler and dupefilter so several crawler processes share one queue and seen-set.
DEFWATCH_REDIS_URL = None

DOWNLOADER_MIDDLEWARES = {
    # First, before robots.txt is fetched: nothing reaches a forbidden address or scheme.
    "crawler.middlewares.PrivateNetworkGuardMiddleware": 40,
    # Our robots.txt error policy replaces Scrapy's fail-open one.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsPolicyMiddleware": 100,
    # Retry-After aware retries replace the immediate ones.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
}

ITEM_PIPELINES = {"crawler.pipelines.JsonlRecordPipeline": 300}  # items -> OUT.jsonl records
EXTENSIONS = {"crawler.extensions.SourceStatsExtension": 500}  # one source_stats per source

LOG_LEVEL = "INFO"  # per-request DEBUG lines would drown a 2,000-page crawl
DEFWATCH_MAX_ARTICLES_PER_SOURCE = 5000  # per source per run; beyond it URLs are skipped (reason "cap")
DEFWATCH_LISTING_MAX_PAGES = 3  # listing pages followed per run (only while a page had unseen links)
