import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSimulateArgs } from '../../scripts/simulation/cli';
import { logNormalFromMedianP99, Random } from '../../scripts/simulation/random';
import { runSimulation } from '../../scripts/simulation/simulation';
import {
  DEFAULT_WORKLOAD,
  generateOrders,
  ORDER_POISON,
  ORDER_TRANSIENT,
  rateAt,
  type WorkloadProfile,
} from '../../scripts/simulation/workload';
import { ORIGIN_MS, profile, rule, syntheticStack, testModel } from './fixtures';

describe('workload', () => {
  const surgeAt10 = (rampS: number): WorkloadProfile => ({
    ...DEFAULT_WORKLOAD,
    surge: { ...DEFAULT_WORKLOAD.surge, start: '2026-01-01T00:10:00', timeZone: 'UTC', rampS, holdS: 600 },
  });

  it('ramps linearly from the baseline to the peak and back', () => {
    // 20/s until 600 s, 15-minute ramp to 200/s (halfway, 450 s in: 110/s), 600 s at 200/s, ramp down.
    const w = surgeAt10(900);
    expect([0, 600, 600 + 450, 1500, 2100, 2100 + 450, 3000, 9999].map((t) => rateAt(w, ORIGIN_MS, t))).toEqual([
      20, 20, 110, 200, 200, 110, 20, 20,
    ]);
  });

  it('generates the expected number of arrivals, kinds and processing times', () => {
    // Expected arrivals: 600 x 20 + 900 x 110 + 600 x 200 + 900 x 110 + 600 x 20 = 342,000 over 3,600 s.
    const orders = generateOrders(surgeAt10(900), { seed: 7, originMs: ORIGIN_MS, spanS: 3600 });
    expect(Math.abs(orders.count - 342_000)).toBeLessThan(4 * Math.sqrt(342_000));
    let poison = 0;
    let transient = 0;
    for (let i = 0; i < orders.count; i++) {
      if (orders.kind[i] === ORDER_POISON) poison++;
      if (orders.kind[i] === ORDER_TRANSIENT) transient++;
    }
    expect(poison / orders.count).toBeCloseTo(0.0005, 3);
    expect(transient / orders.count).toBeCloseTo(0.005, 3);
    const sorted = Float32Array.from(orders.processingS).sort();
    // Log-normal with median 150 ms and p99 1 s.
    expect(sorted[Math.floor(sorted.length * 0.5)]).toBeCloseTo(0.15, 2);
    expect(sorted[Math.floor(sorted.length * 0.99)]).toBeGreaterThan(0.95);
    expect(sorted[Math.floor(sorted.length * 0.99)]).toBeLessThan(1.05);
  });

  it('derives the log-normal parameters from median and p99', () => {
    // sigma = ln(1 / 0.15) / 2.3263 = 0.8155
    expect(logNormalFromMedianP99(0.15, 1).sigma).toBeCloseTo(0.8155, 4);
    expect(logNormalFromMedianP99(1, 1).sigma).toBe(0);
  });

  it('draws the same numbers from the same seed and stream only', () => {
    const draw = (seed: number, stream: string) => Array.from({ length: 5 }, new Random(seed, stream).next.bind(new Random(seed, stream)));
    const a = new Random(1, 'x');
    const b = new Random(1, 'x');
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
    expect(draw(1, 'x')).not.toEqual(draw(2, 'x'));
    expect(draw(1, 'x')).not.toEqual(draw(1, 'y'));
  });
});

describe('a whole run', () => {
  const stack = syntheticStack({
    maxConcurrentCalls: 16,
    profiles: [
      profile({
        minimum: 1,
        default: 1,
        maximum: 4,
        rules: [
          rule({ threshold: 50 }, { value: 1, cooldownS: 120 }),
          rule({ operator: 'LessThan', threshold: 5 }, { direction: 'Decrease', cooldownS: 300 }),
        ],
      }),
    ],
  });
  const workload: WorkloadProfile = {
    ...DEFAULT_WORKLOAD,
    baselinePerSecond: 20,
    surge: { multiplier: 10, start: '2026-01-01T00:15:00', timeZone: 'UTC', rampS: 60, holdS: 600 },
  };
  const model = (seed: number) => testModel({ seed, report: { leadInS: 300, tailS: 600 } });

  it('gives the same report for the same seed, and another for another seed', () => {
    const first = runSimulation({ stack, workload, model: model(1) });
    const again = runSimulation({ stack, workload, model: model(1) });
    const other = runSimulation({ stack, workload, model: model(2) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(other.after.orders).not.toBe(first.after.orders);
    // Over capacity (1 instance: 16 / 0.209 s = 77/s against 200/s), so the run scales out.
    expect(first.after.scaleEvents.some((e) => e.reason === 'scale-out')).toBe(true);
  });
});

describe('command line', () => {
  it('layers flags over a profile file over the defaults', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-args-'));
    fs.writeFileSync(
      path.join(dir, 'surge.json'),
      JSON.stringify({ baselinePerSecond: 30, surge: { multiplier: 5 }, model: { before: { timeoutS: 60 } } }),
    );
    const args = parseSimulateArgs(['--profile', 'surge.json', '--multiplier', '8', '--metric-delay', '2m', '--target-p99', '90s'], dir);
    expect(args.workload.baselinePerSecond).toBe(30);
    expect(args.workload.surge).toMatchObject({ multiplier: 8, rampS: 900, start: DEFAULT_WORKLOAD.surge.start });
    expect(args.model.before.timeoutS).toBe(60);
    expect(args.model.autoscale.metricDelayS).toBe(120);
    expect(args.model.report.targetP99S).toBe(90);
    expect(args.chart).toBe(path.join(dir, 'simulation-out', 'prod-timeline.svg'));
  });

  it('takes a hosting variant by name and the scale-controller flags', () => {
    const args = parseSimulateArgs(
      ['--variant', 'p1v3+p1v3', '--locked-not-active', '--ep-allocation', '2m', '--ep-interval', '30s'],
      os.tmpdir(),
    );
    expect(args.variant).toBe('p1v3+p1v3');
    expect(args.model.consumer.lockedMessagesAreActive).toBe(false);
    expect(args.model.elasticPremium).toMatchObject({ allocationS: 120, controllerIntervalS: 30 });
    expect(args.chart).toBe(path.join(os.tmpdir(), 'simulation-out', 'prod-p1v3+p1v3-timeline.svg'));
    expect(() => parseSimulateArgs(['--variant', 'p9v9'], os.tmpdir())).toThrow(
      /--variant: unknown variant 'p9v9'; expected one of .*p1v3\+p1v3/,
    );
  });

  it('names the field of a bad profile file or flag', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-args-'));
    fs.writeFileSync(path.join(dir, 'typo.json'), JSON.stringify({ baselinePerSec: 30 }));
    fs.writeFileSync(path.join(dir, 'model-typo.json'), JSON.stringify({ model: { autoscale: { metricDelay: 60 } } }));
    expect(() => parseSimulateArgs(['--profile', 'typo.json'], dir)).toThrow(/typo\.json: .*baselinePerSec/);
    expect(() => parseSimulateArgs(['--profile', 'model-typo.json'], dir)).toThrow(/model\.autoscale\.metricDelay/);
    expect(() => parseSimulateArgs(['--ramp', 'soon'], dir)).toThrow(/--ramp: 'soon' is not a duration/);
    expect(() => parseSimulateArgs(['--cooldown-mode', 'sometimes'], dir)).toThrow(/--cooldown-mode/);
  });
});
