import { DEFAULT_MODEL, type ElasticPremiumParameters } from '../../scripts/simulation/assumptions';
import { ElasticScaleController } from '../../scripts/simulation/elastic-scaler';

/**
 * The Elastic Premium scale controller alone, fed with the count it wants. Defaults unless a test says
 * otherwise: a look every 10 s, queue steps of at most 4 instances at most every 30 s, scale-in only
 * after 300 s below and then one instance per 30 s.
 */
const params: ElasticPremiumParameters = {
  ...DEFAULT_MODEL.elasticPremium,
  controllerIntervalS: 10,
  queueScaleOutIntervalS: 30,
  queueMaxStep: 4,
  scaleInAfterS: 300,
  scaleInIntervalS: 30,
};

/** Runs the controller's looks from 10 s to `untilS`, the running count following each decision. */
function run(controller: ElasticScaleController, start: number, untilS: number, desiredAt: (t: number) => number): Map<number, number> {
  let running = start;
  const counts = new Map<number, number>();
  for (let t = 10; t <= untilS; t += 10) {
    running = controller.look(t, running, desiredAt(t));
    counts.set(t, running);
  }
  return counts;
}

const queue = (alwaysReadyAt: (t: number) => number, limit: number) =>
  new ElasticScaleController({ params, trigger: 'queue', alwaysReadyAt, limit });

it('adds at most 4 instances per 30 s until it reaches the target', () => {
  // 200 messages / 16 per instance = 12.5: it wants 13. From 1: +4 at 10 (5), nothing at 20 and 30
  // (within 30 s of the last step), +4 at 40 (9), +4 at 70 (13), then it holds.
  const controller = queue(() => 1, 20);
  const counts = run(controller, 1, 200, () => 200 / 16);
  expect(controller.decisions.map((d) => [d.timeS, d.from, d.to, d.reason])).toEqual([
    [10, 1, 5, 'scale-out'],
    [40, 5, 9, 'scale-out'],
    [70, 9, 13, 'scale-out'],
  ]);
  expect([20, 30, 60, 100, 200].map((t) => counts.get(t))).toEqual([5, 5, 9, 13, 13]);
});

it('stops at the app scale limit', () => {
  // Wants 50, limit 7: 1 -> 5 at 10, 5 -> 7 at 40 (not 9), then holds at 7.
  const controller = queue(() => 1, 7);
  run(controller, 1, 300, () => 50);
  expect(controller.decisions.map((d) => [d.timeS, d.to])).toEqual([
    [10, 5],
    [40, 7],
  ]);
});

it('never scales in below the always-ready count, and scales in one instance per 30 s after 300 s below', () => {
  // 5 running, always-ready 3, wants 0 from the first look at 10: below since 10, so the first
  // removal is at 10 + 300 = 310, the next at 340; 3 is the floor.
  const controller = queue(() => 3, 20);
  const counts = run(controller, 5, 1000, () => 0);
  expect(controller.decisions.map((d) => [d.timeS, d.from, d.to, d.reason])).toEqual([
    [310, 5, 4, 'scale-in'],
    [340, 4, 3, 'scale-in'],
  ]);
  expect(counts.get(1000)).toBe(3);
});

it('restarts the 300 s wait when the wanted count comes back up', () => {
  // Wants 2 (below 4) from 10 to 200, then 4 at 210, then 2 again from 220: no removal before 220 + 300.
  const controller = queue(() => 1, 20);
  run(controller, 4, 600, (t) => (t === 210 ? 4 : 2));
  expect(controller.decisions.map((d) => d.timeS)).toEqual([520, 550]);
});

it('meets a raised always-ready count at once, and comes back down by scale-in after the window', () => {
  // Always-ready 2, raised to 6 from 100 to 400 (a sale window), no load. At 100: 2 -> 6 at once
  // (always-ready instances are not scaled, so no 30 s step limit). At 400 the floor is 2 again and the
  // controller wants 0: below since 400, removals at 700, 730, 760, 790.
  const controller = queue((t) => (t >= 100 && t < 400 ? 6 : 2), 20);
  run(controller, 2, 1000, () => 0);
  expect(controller.decisions.map((d) => [d.timeS, d.from, d.to, d.reason])).toEqual([
    [100, 2, 6, 'always-ready'],
    [700, 6, 5, 'scale-in'],
    [730, 5, 4, 'scale-in'],
    [760, 4, 3, 'scale-in'],
    [790, 3, 2, 'scale-in'],
  ]);
});

it('adds one instance per second for HTTP', () => {
  // HTTP: a look every second, one instance each. Wants 4 from 1: 2, 3, 4 at 1, 2, 3.
  const controller = new ElasticScaleController({ params, trigger: 'http', alwaysReadyAt: () => 1, limit: 20 });
  let running = 1;
  for (let t = 1; t <= 10; t++) running = controller.look(t, running, 4);
  expect(controller.decisions.map((d) => [d.timeS, d.to])).toEqual([
    [1, 2],
    [2, 3],
    [3, 4],
  ]);
});
