/**
 * The event names that start the order API's and the processor's log lines (README "Log events"):
 * what operators query in Application Insights, e.g.
 * `AppTraces | where Message startswith "order.outcome-unknown "` or
 * `AppTraces | extend Event = extract(@"^(\S+)", 1, Message) | summarize count() by Event`.
 * A line is `<event> [<field>=<value> ...]: <text>`. The event name and the fields are the contract;
 * the text after the colon is for people and may change.
 */
export type LogEvent =
  // POST /api/orders (http/submit-order.ts)
  | 'order.intake-unconfigured'
  | 'order.key-reused'
  | 'order.request-retried'
  | 'order.accept-record-failed'
  | 'order.outcome-unknown'
  | 'order.mark-queued-failed'
  | 'order.accepted'
  // GET /api/orders/{id} (http/get-order-status.ts)
  | 'order.status-unavailable'
  // the consumer (queue/process-order.ts)
  | 'order.poison'
  | 'order.failure-record'
  | 'order.retry'
  | 'order.processor-unconfigured'
  | 'order.no-accept-record'
  | 'order.claim-wait'
  | 'order.duplicate'
  | 'order.claim-taken-over'
  | 'order.processing-failed'
  | 'order.processed'
  // the dead-letter scan (queue/dead-letter-scan.ts)
  | 'dead-letter.scan'
  | 'dead-letter.scan-stopped'
  | 'dead-letter.watermark-not-saved'
  | 'dead-letter.not-an-order'
  | 'dead-letter.not-its-own'
  | 'dead-letter.recorded';

export function logLine(event: LogEvent, text: string, fields: Readonly<Record<string, string | number>> = {}): string {
  const pairs = Object.entries(fields).map(([name, value]) => ` ${name}=${value}`);
  return `${event}${pairs.join('')}: ${text}`;
}
