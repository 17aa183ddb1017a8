import { describe, expect, it } from 'vitest'
import { histogramOf, parsePrometheusText, quantileBetween, sumOf } from './prometheus-text.ts'

const scrape = `# HELP http_server_request_duration_seconds Time
# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_bucket{le="0.01",method="GET",route="/a",service="x"} 80
http_server_request_duration_seconds_bucket{le="0.1",method="GET",route="/a",service="x"} 90
http_server_request_duration_seconds_bucket{le="+Inf",method="GET",route="/a",service="x"} 100
http_server_request_duration_seconds_count{method="GET",route="/a",service="x"} 100
consumer_lag_events{consumer="order-history.order_history.orders",service="x"} 7
consumer_lag_events{consumer="odd \\"name\\"",service="x"} 1
process_cpu_seconds_total{service="x"} 1.5
not a sample line
`

describe('the Prometheus text format', () => {
  it('reads samples with their labels, unescaping quotes, and skips comments and noise', () => {
    const samples = parsePrometheusText(scrape)
    expect(samples).toHaveLength(7)
    expect(sumOf(samples, 'consumer_lag_events', { consumer: 'order-history.order_history.orders' })).toBe(7)
    expect(sumOf(samples, 'consumer_lag_events', { consumer: 'odd "name"' })).toBe(1)
    expect(sumOf(samples, 'process_cpu_seconds_total')).toBe(1.5)
  })

  it('takes a quantile of what a histogram observed between two scrapes, inside the bucket', () => {
    const before = histogramOf(parsePrometheusText(scrape), 'http_server_request_duration_seconds')
    const later = scrape
      .replace('} 80', '} 80')
      .replace('"0.1",method="GET",route="/a",service="x"} 90', '"0.1",method="GET",route="/a",service="x"} 190')
      .replace('"+Inf",method="GET",route="/a",service="x"} 100', '"+Inf",method="GET",route="/a",service="x"} 200')
    const after = histogramOf(parsePrometheusText(later), 'http_server_request_duration_seconds')
    // The 100 new observations all fell between 0.01 and 0.1: the p50 is half way.
    expect(quantileBetween(before, after, 0.5)).toBeCloseTo(0.055, 5)
    expect(quantileBetween(after, after, 0.99)).toBeUndefined()
    expect(quantileBetween(new Map(), before, 0.5)).toBeCloseTo(0.00625, 5)
  })
})
