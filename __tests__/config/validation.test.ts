import { Testing } from 'cdktf';
import { dev, environments, prod } from '../../lib/config/environments';
import type { EnvironmentConfig } from '../../lib/config/types';
import { ConfigError, validateEnvironment } from '../../lib/config/validate';
import { OrdersStack } from '../../lib/orders-stack';
import { fakeBundler, PROJECT_ROOT, withChanges, type DeepPartial } from '../helpers/synth';

/** The one error validation throws for a changed environment (fails the test if it does not throw). */
function problemsOf(base: EnvironmentConfig, changes: DeepPartial<EnvironmentConfig>): ConfigError {
  try {
    validateEnvironment(withChanges(base, changes));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

/** Asserts one reported problem names the field, the bad value and what is allowed. */
function expectProblem(error: ConfigError, field: string, value: unknown, allowed: RegExp): void {
  const problem = error.problems.find((p) => p.field === field);
  expect(problem).toBeDefined();
  expect(problem!.value).toEqual(value);
  expect(problem!.allowed).toMatch(allowed);
  // The message a user reads names the environment, the field and the value.
  expect(error.message).toContain(`${error.environment}: ${field} = ${JSON.stringify(value)} is not allowed`);
}

describe('the shipped environments', () => {
  test.each(environments.map((e) => [e.name, e] as const))('%s is valid', (_, env) => {
    expect(() => validateEnvironment(env)).not.toThrow();
  });
});

describe('synth fails on a bad value, naming environment, field, value and what is allowed', () => {
  test('the stack refuses to build (no partial synth)', () => {
    const bad = withChanges(prod, { serviceBus: { sku: 'Premum' as any } });
    expect(() => new OrdersStack(Testing.app(), { environment: bad, projectRoot: PROJECT_ROOT, bundler: fakeBundler })).toThrow(
      /orders-prod: serviceBus.sku = "Premum" is not allowed: expected one of Standard, Premium/,
    );
  });

  test('every problem is reported at once', () => {
    const error = problemsOf(dev, { plan: { sku: 'P1V3' as any }, queue: { lockDuration: 'PT60S' } });
    expect(error.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['plan.sku', 'queue.lockDuration']));
  });

  describe('SKU enums', () => {
    test('plan SKU is case-sensitive (azurerm rejects P1V3)', () => {
      expectProblem(problemsOf(prod, { plan: { sku: 'P1V3' as any } }), 'plan.sku', 'P1V3', /one of P0v3, P1v3/);
    });
    test('Basic Service Bus has no duplicate detection', () => {
      expectProblem(problemsOf(dev, { serviceBus: { sku: 'Basic' as any } }), 'serviceBus.sku', 'Basic', /Standard, Premium/);
    });
    test('storage replication', () => {
      expectProblem(problemsOf(dev, { storage: { replication: 'GLRS' as any } }), 'storage.replication', 'GLRS', /LRS, ZRS, GRS, GZRS, RAGRS, RAGZRS/);
    });
    test('messaging units come in steps of 1, 2, 4, 8, 16', () => {
      expectProblem(problemsOf(prod, { serviceBus: { messagingUnits: { maximum: 3 } } }), 'serviceBus.messagingUnits.maximum', 3, /1, 2, 4, 8, 16/);
    });
    test('messaging units only on Premium', () => {
      const error = problemsOf(dev, { serviceBus: { messagingUnits: { minimum: 1, maximum: 2, scaleOutCpuPercent: 70, scaleInCpuPercent: 20 } } });
      expect(error.problems[0].field).toBe('serviceBus.messagingUnits');
      expect(error.problems[0].allowed).toMatch(/only a Premium namespace/);
    });
    test('Premium needs messaging units', () => {
      const { messagingUnits, ...withoutUnits } = prod.serviceBus;
      expect(messagingUnits).toBeDefined();
      const error = problemsOf({ ...prod, serviceBus: withoutUnits }, {});
      expect(error.problems.map((p) => p.field)).toContain('serviceBus.messagingUnits');
    });
    test('queue size: Standard stops at 5120 MB', () => {
      expectProblem(problemsOf(dev, { queue: { maxSizeInMegabytes: 10240 } }), 'queue.maxSizeInMegabytes (Standard)', 10240, /1024, 2048, 3072, 4096, 5120$/);
    });
    test('alert windows come from the metric alert list', () => {
      expectProblem(problemsOf(dev, { alerts: { backlogWindow: 'PT10M' } }), 'alerts.backlogWindow', 'PT10M', /PT5M, PT15M, PT30M/);
    });
    test('retention is one Application Insights accepts', () => {
      expectProblem(problemsOf(dev, { monitoring: { logRetentionDays: 45 } }), 'monitoring.logRetentionDays', 45, /30, 60, 90/);
    });
  });

  describe('instance limits: minimum <= default <= maximum in every profile', () => {
    test('minimum above default', () => {
      expectProblem(problemsOf(prod, { instances: { minimum: 5, default: 4 } }), 'instances.minimum', 5, /at most instances.default \(4\)/);
    });
    test('default above maximum', () => {
      expectProblem(problemsOf(dev, { instances: { default: 4, maximum: 3 } }), 'instances.default', 4, /at most instances.maximum \(3\)/);
    });
    test('Premium v3 stops at 30 instances', () => {
      expectProblem(problemsOf(prod, { instances: { maximum: 31 } }), 'instances.maximum', 31, /from 1 to 30/);
    });
    test('zone balancing keeps every minimum at the zone count', () => {
      expectProblem(problemsOf(prod, { instances: { minimum: 2, default: 3 } }), 'instances.minimum', 2, /at least plan.initialWorkers \(3\)/);
    });
    test('zone balancing needs at least 2 workers from creation', () => {
      expectProblem(problemsOf(dev, { plan: { zoneBalancing: true } }), 'plan.initialWorkers', 1, /at least 2 with zoneBalancing/);
    });
    test('a sale window cannot hold fewer than the environment minimum', () => {
      const error = problemsOf(prod, { saleWindows: [{ ...prod.saleWindows[0], minimumInstances: 2 }] });
      expectProblem(error, 'saleWindows[0].minimumInstances', 2, /from 3 to 30/);
    });
    test("a sale window's minimum stays within its maximum", () => {
      const error = problemsOf(prod, { saleWindows: [{ ...prod.saleWindows[0], minimumInstances: 8, maximumInstances: 6 }] });
      expectProblem(error, 'saleWindows[0].minimumInstances', 8, /at most the window's maximum \(6\)/);
    });
  });

  describe('ISO-8601 durations in canonical form', () => {
    test('PT60S is PT1M to Azure, and would diff forever', () => {
      expectProblem(problemsOf(dev, { queue: { lockDuration: 'PT60S' } }), 'queue.lockDuration', 'PT60S', /canonical form .* PT1M, not PT60S/);
    });
    test('PT24H is P1D', () => {
      expectProblem(problemsOf(dev, { queue: { defaultMessageTtl: 'PT24H' } }), 'queue.defaultMessageTtl', 'PT24H', /canonical/);
    });
    test('not a duration at all', () => {
      expectProblem(problemsOf(dev, { autoscale: { scaleOutCooldown: '5 minutes' } }), 'autoscale.scaleOutCooldown', '5 minutes', /ISO-8601 duration/);
    });
    test('lock duration at most PT5M', () => {
      expectProblem(problemsOf(dev, { queue: { lockDuration: 'PT10M' } }), 'queue.lockDuration', 'PT10M', /from PT1M to PT5M/);
      // Shorter than the consumer's claim lease and twice its retry budget: a redelivery could overlap a live delivery.
      expectProblem(problemsOf(dev, { queue: { lockDuration: 'PT30S' } }), 'queue.lockDuration', 'PT30S', /from PT1M to PT5M/);
    });
    test('duplicate detection window PT20S..P7D', () => {
      expectProblem(problemsOf(dev, { queue: { duplicateDetectionWindow: 'PT10S' } }), 'queue.duplicateDetectionWindow', 'PT10S', /from PT20S to P7D/);
    });
    test('autoscale windows at least PT5M', () => {
      expectProblem(problemsOf(dev, { autoscale: { scaleOutWindow: 'PT1M' } }), 'autoscale.scaleOutWindow', 'PT1M', /from PT5M to PT12H/);
    });
    test('scale-in looks back longer than scale-out (issue 2: "scale-in rules with longer windows so it never flaps")', () => {
      expectProblem(problemsOf(dev, { autoscale: { scaleOutWindow: 'PT15M', scaleInWindow: 'PT10M' } }), 'autoscale.scaleInWindow', 'PT10M', /longer than scaleOutWindow \(PT15M\)/);
      expectProblem(problemsOf(dev, { autoscale: { scaleOutWindow: 'PT15M', scaleInWindow: 'PT15M' } }), 'autoscale.scaleInWindow', 'PT15M', /longer than scaleOutWindow \(PT15M\)/);
    });
  });

  describe('thresholds', () => {
    test('positive', () => {
      expectProblem(problemsOf(dev, { autoscale: { scaleOutBacklogPerInstance: 0 } }), 'autoscale.scaleOutBacklogPerInstance', 0, /greater than 0/);
      expectProblem(problemsOf(dev, { alerts: { backlogThreshold: -5 } }), 'alerts.backlogThreshold', -5, /greater than 0/);
    });
    test('scale-in below scale-out, or the plan flaps', () => {
      expectProblem(problemsOf(dev, { autoscale: { scaleInCpuPercent: 80 } }), 'autoscale.scaleInCpuPercent', 80, /less than scaleOutCpuPercent \(70\)/);
    });
    test('percentages within 1..100', () => {
      expectProblem(problemsOf(dev, { autoscale: { scaleOutCpuPercent: 120 } }), 'autoscale.scaleOutCpuPercent', 120, /from 1 to 100/);
    });
  });

  describe('time zones', () => {
    test('an IANA name is rejected with the Windows name to use instead', () => {
      const error = problemsOf(prod, { saleWindows: [{ ...prod.saleWindows[0], timeZone: 'Europe/Berlin' }] });
      expectProblem(error, 'saleWindows[0].timeZone', 'Europe/Berlin', /use 'W. Europe Standard Time'.*IANA names are rejected/);
    });
    test('a name azurerm 4.55 does not know', () => {
      const error = problemsOf(prod, { saleWindows: [{ ...prod.saleWindows[0], timeZone: 'Yukon Standard Time' }] });
      expectProblem(error, 'saleWindows[0].timeZone', 'Yukon Standard Time', /Windows time zone name that Azure autoscale accepts/);
    });
  });

  describe('sale windows', () => {
    const bf = prod.saleWindows[0];
    test('start before end', () => {
      const error = problemsOf(prod, { saleWindows: [{ ...bf, start: '2026-11-28T00:00:00', end: '2026-11-27T00:00:00' }] });
      expectProblem(error, 'saleWindows[0].end', '2026-11-27T00:00:00', /after start \(2026-11-28T00:00:00\)/);
    });
    test('wall-clock times without an offset (the time zone is given separately)', () => {
      const error = problemsOf(prod, { saleWindows: [{ ...bf, start: '2026-11-27T04:00:00Z' }] });
      expectProblem(error, 'saleWindows[0].start', '2026-11-27T04:00:00Z', /without "Z" or an offset/);
    });
    test('a real date', () => {
      const error = problemsOf(prod, { saleWindows: [{ ...bf, end: '2026-11-31T00:00:00' }] });
      expectProblem(error, 'saleWindows[0].end', '2026-11-31T00:00:00', /YYYY-MM-DDTHH:mm:ss/);
    });
    test('no overlap (only one profile applies at a time), compared as instants across time zones', () => {
      // 09:30 in Tokyo is 00:30 UTC, half an hour before Black Friday's window ends (02:00 in Berlin, 01:00 UTC),
      // although its wall-clock digits come later.
      const second = { ...bf, name: 'late-night', start: '2026-11-28T09:30:00', end: '2026-11-28T18:00:00', timeZone: 'Tokyo Standard Time' };
      const error = problemsOf(prod, { saleWindows: [bf, second] });
      expect(error.problems).toEqual([expect.objectContaining({ field: 'saleWindows[late-night]', allowed: expect.stringMatching(/no overlap with sale window 'black-friday-2026'/) })]);
    });
    test('windows that only touch do not overlap', () => {
      const next = { ...bf, name: 'next-day', start: bf.end, end: '2026-11-29T02:00:00' };
      expect(() => validateEnvironment(withChanges(prod, { saleWindows: [bf, next] }))).not.toThrow();
    });
    test('at most 19, so that autoscale has room for the default profile', () => {
      const windows = Array.from({ length: 20 }, (_, i) => ({
        ...bf,
        name: `sale-${i}`,
        start: `2027-01-${String(i + 1).padStart(2, '0')}T00:00:00`,
        end: `2027-01-${String(i + 1).padStart(2, '0')}T12:00:00`,
      }));
      expectProblem(problemsOf(prod, { saleWindows: windows }), 'saleWindows', '20 windows', /at most 19/);
    });
    test('unique names', () => {
      const twin = { ...bf, start: '2026-12-24T00:00:00', end: '2026-12-25T00:00:00' };
      expectProblem(problemsOf(prod, { saleWindows: [bf, twin] }), 'saleWindows[1].name', bf.name, /unique/);
    });
  });

  describe("Azure's naming rules for every derived name", () => {
    test('a prefix that breaks storage account names', () => {
      expectProblem(problemsOf(dev, { namePrefix: 'Orders' }), 'namePrefix', 'Orders', /lower-case letters and digits/);
    });
    test('storage account names stop at 24 characters', () => {
      // 'stpkg' + 'ordersabcdef' + 'production' ... is only reachable through long prefixes and names
      const error = problemsOf(dev, { namePrefix: 'ordersabcdef', name: 'production' });
      expect(error.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['package storage account name']));
      expect(error.problems.find((p) => p.field === 'package storage account name')!.allowed).toMatch(/3-24 lower-case letters and digits/);
    });
    test('function app names stop at 32 characters (the Functions host id is cut there)', () => {
      const error = problemsOf(dev, { namePrefix: 'ordersabcdef', name: 'production' });
      const problem = error.problems.find((p) => p.field === 'function app name');
      expect(problem).toBeDefined();
      expect(problem!.value).toMatch(/^func-ordersabcdef-production-[0-9a-f]{6}$/);
      expect(problem!.allowed).toMatch(/2-32 letters, digits and "-"/);
    });
    test('queue name', () => {
      expectProblem(problemsOf(dev, { queue: { name: 'orders-' } }), 'queue.name', 'orders-', /ending with a letter or digit/);
    });
    test('tag keys are lower-case', () => {
      expectProblem(problemsOf(dev, { tags: { Environment: 'dev' } as any }), 'tags.Environment', 'Environment', /lower-case key/);
    });
    test('alert receivers have e-mail addresses', () => {
      expectProblem(problemsOf(dev, { alerts: { receivers: [{ name: 'ops', email: 'not-an-address' }] } }), 'alerts.receivers[0].email', 'not-an-address', /e-mail address/);
    });
    test('an alert nobody receives is refused', () => {
      expectProblem(problemsOf(dev, { alerts: { receivers: [] } }), 'alerts.receivers', [], /at least one receiver/);
    });
    test('the deployer is an object id', () => {
      expectProblem(problemsOf(dev, { deployerObjectId: 'ci-bot' }), 'deployerObjectId', 'ci-bot', /object id/);
    });
  });
});
