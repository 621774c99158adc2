import { DEFAULT_MODEL, type AutoscaleParameters } from '../../scripts/simulation/assumptions';
import { AutoscaleEngine, type Evaluation } from '../../scripts/simulation/autoscale-engine';
import type { AutoscaleProfile, AutoscaleSetting } from '../../scripts/simulation/autoscale-setting';
import { metricFunctions } from '../../scripts/simulation/metrics';
import { wallClockToInstant } from '../../lib/config/time-zones';
import { ORIGIN_MS, profile, rule } from './fixtures';

/**
 * The autoscale engine alone, fed with metric values chosen by hand. Unless a test says otherwise:
 * grain 60 s, window 300 s (5 grains), metric delay 180 s, runs every 60 s, so a run at T sees the five
 * grains that ended by T - 180 (e.g. T = 600 sees grains starting 120, 180, 240, 300, 360).
 */
const params: AutoscaleParameters = { ...DEFAULT_MODEL.autoscale, evaluationIntervalS: 60, metricDelayS: 180 };

const constant = (total: number) => metricFunctions({ ActiveMessages: () => total });

function engineFor(profiles: AutoscaleProfile[], initialCapacity: number, overrides: Partial<AutoscaleParameters> = {}) {
  const setting: AutoscaleSetting = { profiles };
  return new AutoscaleEngine(setting, { ...params, ...overrides }, { originMs: ORIGIN_MS, initialCapacity });
}

describe('flapping guard (scale-in only)', () => {
  const out = rule({ operator: 'GreaterThan', threshold: 600 }, { direction: 'Increase', value: 1 });
  const scaleIn = (threshold: number, value = 1) => rule({ operator: 'LessThan', threshold }, { direction: 'Decrease', value });

  it('skips a scale-in whose projected metric would trip the scale-out rule', () => {
    // The docs' worked example: 3 instances at 575 messages each (1725 in all) are below the scale-in
    // threshold 600, but at 2 instances they would be 1725 / 2 = 862.5 > 600: a scale-out right after.
    const engine = engineFor([profile({ minimum: 1, default: 3, rules: [out, scaleIn(600)] })], 3);
    const run = engine.evaluate(600, constant(1725));
    expect(run.rules.map((r) => r.fires)).toEqual([false, true]);
    expect(run.decision).toBeUndefined();
    expect(run.held).toMatch(/flapping/);
    expect(engine.capacity).toBe(3);
  });

  it('lets through a scale-in whose projection stays below the scale-out threshold', () => {
    // 1100 / 3 = 366.7 < 450: the in-rule fires; at 2 instances 1100 / 2 = 550 <= 600: no flapping.
    const engine = engineFor([profile({ minimum: 1, default: 3, rules: [out, scaleIn(450)] })], 3);
    expect(engine.evaluate(600, constant(1100)).decision).toMatchObject({ from: 3, to: 2, reason: 'scale-in' });
  });

  it('scales in by fewer instances when the full step would flap', () => {
    // 4 instances, rule -2, 1400 in all: 350 < 450 fires. To 2: 1400 / 2 = 700 > 600 (flaps);
    // to 3: 1400 / 3 = 466.7 <= 600 (fine), so 4 -> 3.
    const engine = engineFor([profile({ minimum: 1, default: 4, rules: [out, scaleIn(450, 2)] })], 4);
    const decision = engine.evaluate(600, constant(1400)).decision;
    expect(decision).toMatchObject({ from: 4, to: 3 });
    expect(decision?.flapping).toMatch(/instead of 2/);
  });

  it('never checks a scale-out for flapping', () => {
    // 1725 / 2 = 862.5 > 600: scale out to 3 although 1725 / 3 = 575 < 600 would then fire the in-rule.
    const engine = engineFor([profile({ minimum: 1, default: 2, rules: [out, scaleIn(600)] })], 2);
    expect(engine.evaluate(600, constant(1725)).decision).toMatchObject({ from: 2, to: 3, reason: 'scale-out' });
  });
});

describe('the look-back window', () => {
  it('reads only whole grains that autoscale can already see, also when the window is not a multiple of the grain', () => {
    // Run at 600, metric delay 180: grains that ended by 420 are visible. A 330 s window of 60 s grains
    // holds the 5 whole grains 120-420. The grain starting at 390 ends at 450, after 420: not visible
    // yet, so its 10,000 messages must not count. Visible grains: 0 -> no scale-out.
    const seen: number[] = [];
    const metrics = metricFunctions({
      ActiveMessages: (start) => {
        seen.push(start);
        return start >= 390 ? 10_000 : 0;
      },
    });
    const engine = engineFor([profile({ rules: [rule({ timeWindowS: 330, timeAggregation: 'Maximum' }, {})] })], 1);
    const run = engine.evaluate(600, metrics);
    expect(seen).toEqual([120, 180, 240, 300, 360]);
    expect(run.rules[0].value).toBe(0);
    expect(run.decision).toBeUndefined();
  });
});

describe('several rules', () => {
  it('scales out to the highest result when several out-rules fire', () => {
    const plusOne = rule({ threshold: 100 }, { value: 1 });
    const plusThree = rule({ threshold: 200 }, { value: 3 });
    // 1000 / 2 = 500 per instance: both fire; +3 wins (2 -> 5).
    const engine = engineFor([profile({ rules: [plusOne, plusThree] })], 2);
    expect(engine.evaluate(600, constant(1000)).decision).toMatchObject({ to: 5, rule: plusThree.name });
  });

  it('scales in only when every in-rule fires, by the smallest decrease', () => {
    const backlogLow = rule({ operator: 'LessThan', threshold: 50 }, { direction: 'Decrease', value: 2 });
    const cpuLow = rule(
      { metric: 'CpuPercentage', operator: 'LessThan', threshold: 30, divideByInstanceCount: false },
      { direction: 'Decrease', value: 1 },
    );
    const quiet = metricFunctions({ ActiveMessages: () => 40, CpuPercentage: () => 10 });
    const busyCpu = metricFunctions({ ActiveMessages: () => 40, CpuPercentage: () => 50 });
    // CPU 50 >= 30: the CPU in-rule does not fire, so no scale-in although the backlog rule does.
    expect(engineFor([profile({ rules: [backlogLow, cpuLow] })], 5).evaluate(600, busyCpu).decision).toBeUndefined();
    // Both fire: -2 and -1, the smallest decrease wins: 5 -> 4.
    expect(engineFor([profile({ rules: [backlogLow, cpuLow] })], 5).evaluate(600, quiet).decision).toMatchObject({ from: 5, to: 4 });
  });

  it('clamps to the profile maximum and holds at it', () => {
    const plusTwo = rule({ threshold: 100 }, { value: 2 });
    const engine = engineFor([profile({ maximum: 4, rules: [plusTwo] })], 3);
    // 3 + 2 = 5, clamped to 4.
    expect(engine.evaluate(600, constant(10_000)).decision).toMatchObject({ from: 3, to: 4 });
    // Cooldown over (600 + 300 = 900), still firing, already at the maximum.
    expect(engine.evaluate(900, constant(10_000)).held).toMatch(/maximum/);
  });

  it('rounds a PercentChangeCount step as the rounding parameter says', () => {
    const half = rule({ threshold: 100 }, { type: 'PercentChangeCount', value: 50 });
    // 50% of 3 = 1.5 instances: up -> +2 (5), down -> +1 (4).
    expect(engineFor([profile({ rules: [half] })], 3, { percentRounding: 'up' }).evaluate(600, constant(10_000)).decision?.to).toBe(5);
    expect(engineFor([profile({ rules: [half] })], 3, { percentRounding: 'down' }).evaluate(600, constant(10_000)).decision?.to).toBe(4);
  });

  it('scales to the default when the metrics cannot be read', () => {
    const engine = engineFor([profile({ minimum: 1, default: 3, rules: [rule({}, {})] })], 1);
    expect(engine.evaluate(600, metricFunctions({})).decision).toMatchObject({ from: 1, to: 3, reason: 'missing-metrics' });
  });
});

describe('cooldown when the out- and in-rules differ (the docs conflict)', () => {
  // Out: > 100/instance, +1, cooldown 300 s. In: < 10/instance, -1, cooldown 600 s.
  const out = rule({ threshold: 100 }, { value: 1, cooldownS: 300 });
  const scaleIn = rule({ operator: 'LessThan', threshold: 10 }, { direction: 'Decrease', value: 1, cooldownS: 600 });
  // 0 messages until second 600, then 10,000. Grain [600, 660) is seen from 660 + 180 = 840; the
  // 5-grain average is then 10,000 / 5 = 2,000, i.e. 500 per instance at 4 instances: the out-rule fires.
  const metrics = metricFunctions({ ActiveMessages: (start) => (start >= 600 ? 10_000 : 0) });

  function firstScaleOut(mode: AutoscaleParameters['cooldownMode']): number | undefined {
    const engine = engineFor([profile({ minimum: 1, default: 5, rules: [out, scaleIn] })], 5, { cooldownMode: mode });
    const runs: Evaluation[] = [];
    for (let t = 600; t <= 1500; t += 60) runs.push(engine.evaluate(t, metrics));
    // At 600 the backlog is 0 < 10: scale-in 5 -> 4, with the in-rule's 600 s cooldown.
    expect(runs[0].decision).toMatchObject({ from: 5, to: 4, reason: 'scale-in' });
    return runs.find((r) => r.decision?.reason === 'scale-out')?.timeS;
  }

  it("'last-action': the scale-in's 600 s cooldown holds the scale-out (firing from 840) until 600 + 600 = 1200", () => {
    expect(firstScaleOut('last-action')).toBe(1200);
  });

  it("'per-rule': the out-rule waits only its own 300 s after 600, so it scales out at 900", () => {
    expect(firstScaleOut('per-rule')).toBe(900);
  });
});

describe('fixed-date (sale) profile', () => {
  it('holds its minimum inside its window only, switching at the run on each boundary', () => {
    // Origin 2026-11-27T02:00Z. The window 04:00-05:00 Berlin time (UTC+1 in November) is 03:00Z-04:00Z:
    // seconds 3600-7200.
    const origin = Date.UTC(2026, 10, 27, 2, 0, 0);
    const startMs = wallClockToInstant('2026-11-27T04:00:00', 'W. Europe Standard Time').getTime();
    const endMs = wallClockToInstant('2026-11-27T05:00:00', 'W. Europe Standard Time').getTime();
    expect([(startMs - origin) / 1000, (endMs - origin) / 1000]).toEqual([3600, 7200]);

    // An in-rule that always fires (backlog 0 < 1000) with a 60 s cooldown.
    const alwaysIn = rule({ operator: 'LessThan', threshold: 1000 }, { direction: 'Decrease', value: 1, cooldownS: 60 });
    const sale: AutoscaleProfile = {
      ...profile({ name: 'sale', minimum: 4, default: 4, rules: [alwaysIn] }),
      fixedDate: { startMs, endMs, timeZone: 'W. Europe Standard Time', start: '2026-11-27T04:00:00', end: '2026-11-27T05:00:00' },
    };
    const engine = new AutoscaleEngine({ profiles: [sale, profile({ minimum: 1, default: 1, rules: [alwaysIn] })] }, params, {
      originMs: origin,
      initialCapacity: 1,
    });
    const capacityAt = new Map<number, number>();
    for (let t = 60; t <= 3 * 3600; t += 60) {
      engine.evaluate(t, constant(0));
      capacityAt.set(t, engine.capacity);
    }
    // Before the window: at the minimum 1. At 3600: jump to 4 (not waiting for any rule). Inside: the
    // in-rule fires every run but 4 is the minimum. From 7200: one instance per run (cooldown 60 s).
    expect(capacityAt.get(3540)).toBe(1);
    expect(capacityAt.get(3600)).toBe(4);
    expect(capacityAt.get(7140)).toBe(4);
    expect([7200, 7260, 7320, 7380].map((t) => capacityAt.get(t))).toEqual([3, 2, 1, 1]);
    expect(engine.decisions.map((d) => [d.timeS, d.from, d.to, d.reason])).toEqual([
      [3600, 1, 4, 'profile-limits'],
      [7200, 4, 3, 'scale-in'],
      [7260, 3, 2, 'scale-in'],
      [7320, 2, 1, 'scale-in'],
    ]);
  });
});
