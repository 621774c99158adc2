import type { Percentiles } from './histogram';
import type { LoadResult } from './load';

/** The load test's report as plain text (the JSON is the LoadResult itself). */

const ms = (p: Percentiles) =>
  p.count === 0 ? 'n/a' : `p50 ${fmt(p.p50)}  p90 ${fmt(p.p90)}  p95 ${fmt(p.p95)}  p99 ${fmt(p.p99)}  max ${fmt(p.max)}  (n=${p.count})`;
const fmt = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');

export function formatLoadReport(r: LoadResult): string {
  const s = r.settings;
  const lines = [
    `Load test: POST ${r.url}, ${s.rate}/s for ${s.durationS} s (${r.offered} orders, open model, at most ${s.maxInFlight} in flight)`,
    `sent ${r.sent} of ${r.offered}${r.notSent ? ` (${r.notSent} not sent: ${s.maxInFlight} already in flight)` : ''} over ${r.sendingS.toFixed(2)} s = ${r.achievedRate.toFixed(1)}/s; send lag p99 ${fmt(r.sendLagMs.p99)}; peak in flight ${r.peakInFlight}`,
    `POST answers: accepted ${r.accepted} (202), rejected ${r.rejected.total} (4xx${r.rejected.total ? `: ${counts(r.rejected.byStatus)}` : ''}), failed ${r.failed.total} (5xx, timeouts, network${r.failed.total ? `: ${counts(r.failed.byReason)}` : ''})`,
  ];
  if (r.rejected.firstProblem) lines.push(`  first rejection: ${r.rejected.firstProblem}`);
  if (r.failed.firstProblem) lines.push(`  first failure: ${r.failed.firstProblem}`);
  lines.push(
    `POST latency: ${ms(r.postLatencyMs)}`,
    `processed ${r.processed} of ${r.accepted} accepted${r.failedOrders.total ? `, failed ${r.failedOrders.total} (${counts(r.failedOrders.byFailedBy)})` : ''}${r.notProcessed ? ` (${r.notProcessed} not processed by the deadline)` : ''}; ${r.polls} status polls, ${r.pollErrors} errors`,
    ...(r.failedOrders.firstReason ? [`  first failed order: ${r.failedOrders.firstReason}`] : []),
    `end to end, API clocks (acceptedAt -> processedAt): ${ms(r.endToEndServerMs)}`,
    `end to end, client (POST sent -> seen processed; includes the polling interval): ${ms(r.endToEndClientMs)}`,
  );
  return lines.join('\n');
}
