import { timelineSpec } from '../../scripts/simulation/chart';
import { buildReport } from '../../scripts/simulation/report';
import { runSimulation } from '../../scripts/simulation/simulation';
import { ORIGIN_MS, profile, stepWorkload, syntheticStack, testModel } from './fixtures';

/**
 * The timeline chart's data. Guards against drawing the instance count one minute early: a minute's
 * row holds the count at the minute's END (after that minute's autoscale run), so the row must be
 * drawn at the end, not at the start.
 */
it('draws each scale action at the minute it happened', () => {
  // A sale profile (minimum = maximum = 2) from 600 s to 1200 s after ORIGIN, the default profile
  // holding exactly 1. The span starts 300 s before the window (lead-in), so autoscale jumps 1 -> 2 at
  // span second 300 and 2 -> 1 at span second 900 (runs every 60 s). The surge is at 900 s, inside
  // the window; its size does not matter here.
  const sale = {
    ...profile({ name: 'sale', minimum: 2, default: 2, maximum: 2, rules: [] }),
    fixedDate: { startMs: ORIGIN_MS + 600_000, endMs: ORIGIN_MS + 1_200_000, timeZone: 'UTC', start: '', end: '' },
  };
  const stack = syntheticStack({ profiles: [sale, profile({ minimum: 1, default: 1, maximum: 1, rules: [] })] });
  const workload = stepWorkload({ baseline: 1, multiplier: 1, stepAtS: 900, holdS: 60, processingMs: 100 });
  const model = testModel({ report: { leadInS: 300, tailS: 300 } });
  const result = runSimulation({ stack, workload, model });
  const report = buildReport(stack, workload, model, result);

  const decisions = result.after.scaleEvents.map((d) => [d.timeS, d.from, d.to]);
  expect(decisions).toEqual([
    [300, 1, 2],
    [900, 2, 1],
  ]);

  const spec = timelineSpec(report) as unknown as {
    vconcat: Array<{ data: { values: Array<{ t: number; series: string; value: number }> } }>;
  };
  const instances = spec.vconcat
    .flatMap((panel) => panel.data.values)
    .filter((v) => v.series === 'after: set by autoscale')
    .map((v) => [(v.t - result.span.startMs) / 1000, v.value]);
  // The surge's zone is UTC, so the axis time is the instant itself. The count drawn at each point is
  // the one in force from then on: 1 until 300, 2 from 300 until 900, 1 from 900.
  for (const [second, value] of instances) expect([second, value]).toEqual([second, second < 300 || second >= 900 ? 1 : 2]);
  expect(instances.map(([second]) => second)).toEqual(expect.arrayContaining([300, 900]));
});
