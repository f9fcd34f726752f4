-- wrk's summary as one JSON line: requests, bytes, latency percentiles (µs) and errors.
-- "status" counts responses with a status of 400 or more (wrk counts no 3xx as errors).
done = function(summary, latency, requests)
  io.write(string.format(
    '\n{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
