import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { zoneClock } from './clock';
import type { SimulationReport } from './report';

/**
 * The timeline as an SVG, drawn by vega-lite from the per-minute rows: offered load, the queue's
 * backlog, instances, latency p99 of both sides, the synchronous side's failures, and the order API's
 * latency on its own plan next to the counterfactual on the processor's instances.
 */

const WIDTH = 900;
const HEIGHT = 110;

export function timelineSpec(report: SimulationReport): TopLevelSpec {
  const clock = zoneClock(report.workload.surge.timeZone);
  // Wall-clock time in the surge's zone, drawn on a UTC axis.
  const x = (ms: number) => clock.shifted(ms);
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  const rows = report.timeline;
  const series = (panel: string, name: string, value: (m: (typeof rows)[number]) => number) =>
    rows.map((m) => ({ t: x(m.atMs), panel, series: name, value: finite(value(m)) }));
  // Instance counts are the state at the minute's END (after that minute's autoscale run): drawn at the
  // minute's start, a scale action at 04:00 would show at 03:59.
  const stateSeries = (panel: string, name: string, value: (m: (typeof rows)[number]) => number) =>
    rows.map((m) => ({ t: x(m.atMs + 60_000), panel, series: name, value: finite(value(m)) }));

  const xEncoding = {
    field: 't',
    type: 'temporal' as const,
    scale: { type: 'utc' as const },
    title: `time (${clock.iana})`,
    axis: { format: '%H:%M' },
  };
  const color = { field: 'series', type: 'nominal' as const, title: null, legend: { orient: 'right' as const, labelLimit: 400 } };
  const panel = (
    title: string,
    values: object[],
    yTitle: string,
    options: { mark?: 'line' | 'bar' | 'area'; log?: boolean; step?: boolean } = {},
  ) => ({
    title: { text: title, anchor: 'start' as const, fontSize: 12 },
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark:
      options.mark === 'bar'
        ? { type: 'bar' as const }
        : {
            type: options.mark ?? ('line' as const),
            interpolate: options.step ? ('step-after' as const) : ('linear' as const),
            strokeWidth: 1.5,
          },
    encoding: {
      x: xEncoding,
      y: { field: 'value', type: 'quantitative' as const, title: yTitle, ...(options.log ? { scale: { type: 'log' as const } } : {}) },
      color,
    },
  });

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: `orders-${report.environment}${report.variant ? ` (${report.variant})` : ''}: surge simulation, before (synchronous API) and after (queue + ${report.after.kind === 'elasticPremium' ? 'Elastic Premium' : 'autoscale'})`,
      subtitle: `${report.span.start} to ${report.span.end}; peak ${report.workload.peakPerSecond}/s from ${report.surge.peakFrom.slice(11)} to ${report.surge.peakUntil.slice(11)}${report.saleWindow ? `; sale profile ${report.saleWindow.profile} from ${report.saleWindow.start.slice(11)}` : ''}`,
    },
    config: { font: 'sans-serif', view: { stroke: null } },
    // Each panel gets its own legend; all share one time axis (the instance counts end a minute later).
    resolve: { scale: { color: 'independent', x: 'shared' } },
    vconcat: [
      panel(
        'Orders offered (per second, both sides)',
        series('offered', 'offered', (m) => m.offeredPerSecond),
        'orders/s',
      ),
      panel(
        'After: backlog (ActiveMessages, highest per minute)',
        series('backlog', 'after: backlog', (m) => m.after.backlogMax),
        'messages',
        { mark: 'area' },
      ),
      panel(
        'Instances',
        [
          ...stateSeries(
            'instances',
            `after: set by ${report.after.kind === 'elasticPremium' ? 'scale controller' : 'autoscale'}`,
            (m) => m.after.instances,
          ),
          ...stateSeries('instances', 'after: serving', (m) => m.after.readyInstances),
          ...stateSeries('instances', 'order API: serving', (m) => m.api.readyInstances),
          ...stateSeries('instances', 'before: fixed', () => report.before.instances),
        ],
        'instances',
        { step: true },
      ),
      panel(
        'Latency p99 by arrival minute (after: enqueue to processed; before: successful requests)',
        [...series('latency', 'after: p99', (m) => m.after.latencyP99S), ...series('latency', 'before: p99', (m) => m.before.latencyP99S)],
        'seconds (log)',
        { log: true },
      ),
      panel(
        'Before: failed requests per minute (timeouts and 5xx)',
        series('failed', 'before: failed', (m) => m.before.failed),
        'requests',
        { mark: 'bar' },
      ),
      panel(
        "Order API: latency p99 by arrival minute, on its own plan and on the processor's instances (as before the split)",
        [
          ...series('api', 'API: own plan', (m) => m.api.latencyP99S),
          ...series('api', "API: processor's instances", (m) => m.api.sharedLatencyP99S),
        ],
        'seconds (log)',
        { log: true },
      ),
    ],
  } as TopLevelSpec;
}

export async function renderTimelineSvg(report: SimulationReport): Promise<string> {
  const compiled = vl.compile(timelineSpec(report)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function writeTimelineChart(report: SimulationReport, file: string): Promise<string> {
  const svg = await renderTimelineSvg(report);
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, svg);
  return target;
}
