import { Lazy, Testing } from 'cdktf';
import { dev, environments, prod } from '../../lib/config/environments';
import type { ElasticPremiumHosting, EnvironmentConfig, NetworkConfig } from '../../lib/config/types';
import { ConfigError, validateEnvironment } from '../../lib/config/validate';
import { OrdersStack } from '../../lib/orders-stack';
import { prodOnDedicated } from '../helpers/environments';
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

/** Changes to one app's hosting (a union type, so not reachable through DeepPartial). */
const app = (role: 'orderApi' | 'orderProcessor', changes: Record<string, unknown>) =>
  ({ apps: { [role]: changes } }) as DeepPartial<EnvironmentConfig>;
const api = (changes: Record<string, unknown>) => app('orderApi', changes);
const processor = (changes: Record<string, unknown>) => app('orderProcessor', changes);
const withAutoscale = (changes: Record<string, unknown>) => processor({ autoscale: changes });

/** An Elastic Premium app that validation accepts; tests change one field of it. */
const elasticPremium: ElasticPremiumHosting = {
  kind: 'elasticPremium',
  sku: 'EP1',
  zoneBalancing: true,
  alwaysReady: 3,
  maximumBurst: 20,
  appScaleLimit: 20,
  prewarmed: 1,
};
const onElasticPremium = (changes: Partial<ElasticPremiumHosting> = {}): EnvironmentConfig => ({
  ...prod,
  apps: { ...prod.apps, orderProcessor: { ...elasticPremium, ...changes } },
  saleWindows: prod.saleWindows.map((w) => ({ ...w, minimumInstances: { ...w.minimumInstances, orderProcessor: 6 } })),
});

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

  test('prod caps no telemetry (the default): a surge is what the logs must explain, so its workspace has no daily cap', () => {
    expect(prod.monitoring.dailyQuotaGb).toBe(-1);
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
    const error = problemsOf(dev, { ...api({ sku: 'P1V3' }), queue: { lockDuration: 'PT60S' } });
    expect(error.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['apps.orderApi.sku', 'queue.lockDuration']));
  });

  describe('SKU enums', () => {
    test('plan SKU is case-sensitive (azurerm rejects P1V3)', () => {
      expectProblem(problemsOf(prod, api({ sku: 'P1V3' })), 'apps.orderApi.sku', 'P1V3', /one of P0v3, P1v3/);
    });
    test('a Dedicated app takes a Premium v3 SKU, an Elastic Premium app an EP SKU', () => {
      expectProblem(problemsOf(prod, api({ sku: 'EP1' })), 'apps.orderApi.sku', 'EP1', /one of P0v3, P1v3, P2v3/);
      expectProblem(problemsOf(onElasticPremium({ sku: 'P1v3' as any }), {}), 'apps.orderProcessor.sku', 'P1v3', /one of EP1, EP2, EP3$/);
    });
    test('an unknown hosting kind', () => {
      expectProblem(
        problemsOf(prod, api({ kind: 'flexConsumption' })),
        'apps.orderApi.kind',
        'flexConsumption',
        /one of dedicated, elasticPremium/,
      );
    });
    test('Basic Service Bus has no duplicate detection', () => {
      expectProblem(problemsOf(dev, { serviceBus: { sku: 'Basic' as any } }), 'serviceBus.sku', 'Basic', /Standard, Premium/);
    });
    test('storage replication', () => {
      expectProblem(
        problemsOf(dev, { storage: { replication: 'GLRS' as any } }),
        'storage.replication',
        'GLRS',
        /LRS, ZRS, GRS, GZRS, RAGRS, RAGZRS/,
      );
    });
    test('messaging units come in steps of 1, 2, 4, 8, 16', () => {
      expectProblem(
        problemsOf(prod, { serviceBus: { messagingUnits: { maximum: 3 } } }),
        'serviceBus.messagingUnits.maximum',
        3,
        /1, 2, 4, 8, 16/,
      );
    });
    test('messaging units only on Premium', () => {
      const error = problemsOf(dev, {
        serviceBus: { messagingUnits: { minimum: 1, maximum: 2, scaleOutCpuPercent: 70, scaleInCpuPercent: 20 } },
      });
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
      expectProblem(
        problemsOf(dev, { queue: { maxSizeInMegabytes: 10240 } }),
        'queue.maxSizeInMegabytes (Standard)',
        10240,
        /1024, 2048, 3072, 4096, 5120$/,
      );
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
      expectProblem(
        problemsOf(prodOnDedicated, processor({ instances: { minimum: 5, default: 4 } })),
        'apps.orderProcessor.instances.minimum',
        5,
        /at most instances.default \(4\)/,
      );
    });
    test('default above maximum', () => {
      expectProblem(
        problemsOf(dev, api({ instances: { default: 4, maximum: 3 } })),
        'apps.orderApi.instances.default',
        4,
        /at most instances.maximum \(3\)/,
      );
    });
    test('default past the plan limit names the default', () => {
      expectProblem(
        problemsOf(prodOnDedicated, processor({ instances: { default: 31, maximum: 30 } })),
        'apps.orderProcessor.instances.default',
        31,
        /from 1 to 30/,
      );
    });
    test('Premium v3 stops at 30 instances, and 30 is allowed', () => {
      expectProblem(
        problemsOf(prodOnDedicated, processor({ instances: { maximum: 31 } })),
        'apps.orderProcessor.instances.maximum',
        31,
        /from 1 to 30/,
      );
      expect(() => validateEnvironment(withChanges(prodOnDedicated, processor({ instances: { maximum: 30 } })))).not.toThrow();
    });
    test('zone balancing keeps every minimum at the zone count', () => {
      expectProblem(
        problemsOf(prodOnDedicated, processor({ instances: { minimum: 2, default: 3 } })),
        'apps.orderProcessor.instances.minimum',
        2,
        /at least initialWorkers \(3\)/,
      );
    });
    test('zone balancing needs at least 2 workers from creation', () => {
      expectProblem(problemsOf(dev, api({ zoneBalancing: true })), 'apps.orderApi.initialWorkers', 1, /at least 2 with zoneBalancing/);
    });
    test("a sale window cannot hold fewer than the app's minimum, nor more than its maximum", () => {
      const below = problemsOf(prodOnDedicated, {
        saleWindows: [{ ...prodOnDedicated.saleWindows[0], minimumInstances: { orderApi: 3, orderProcessor: 2 } }],
      });
      expectProblem(below, 'saleWindows[0].minimumInstances.orderProcessor', 2, /from 3 to 20/);
      const above = problemsOf(prodOnDedicated, {
        saleWindows: [{ ...prodOnDedicated.saleWindows[0], minimumInstances: { orderApi: 21, orderProcessor: 6 } }],
      });
      expectProblem(above, 'saleWindows[0].minimumInstances.orderApi', 21, /from 3 to 20/);
    });
    test('a sale window names a minimum for each app', () => {
      const error = problemsOf(prod, { saleWindows: [{ ...prod.saleWindows[0], minimumInstances: { orderApi: 3 } as any }] });
      expectProblem(error, 'saleWindows[0].minimumInstances.orderProcessor', undefined, /whole number/);
    });
  });

  describe('autoscale rules of a Dedicated app', () => {
    test('the processor scales on its backlog: the backlog rules are required', () => {
      const error = problemsOf(prodOnDedicated, withAutoscale({ backlog: undefined }));
      expectProblem(error, 'apps.orderProcessor.autoscale.backlog', undefined, /required for the order processor/);
    });
    test('the API has no queue to drain: backlog rules are refused there', () => {
      const error = problemsOf(
        prod,
        api({ autoscale: { backlog: { scaleOutPerInstance: 500, scaleInPerInstance: 50, scaleOutStep: 1 } } }),
      );
      expect(error.problems.find((p) => p.field === 'apps.orderApi.autoscale.backlog')?.allowed).toMatch(/only the order processor/);
    });
    test('scale-out step 1..10, and 10 is allowed', () => {
      expectProblem(
        problemsOf(prodOnDedicated, withAutoscale({ backlog: { scaleOutStep: 11 } })),
        'apps.orderProcessor.autoscale.backlog.scaleOutStep',
        11,
        /from 1 to 10/,
      );
      expect(() => validateEnvironment(withChanges(prodOnDedicated, withAutoscale({ backlog: { scaleOutStep: 10 } })))).not.toThrow();
    });
  });

  describe('Elastic Premium', () => {
    test('the example app is valid', () => {
      expect(() => validateEnvironment(onElasticPremium())).not.toThrow();
    });
    test('always-ready 1..20 (Azure caps it at 20 per app), and 20 is allowed', () => {
      expectProblem(
        problemsOf(onElasticPremium({ alwaysReady: 21, maximumBurst: 30, appScaleLimit: 30 }), {}),
        'apps.orderProcessor.alwaysReady',
        21,
        /from 1 to 20/,
      );
      expect(() =>
        validateEnvironment({ ...onElasticPremium({ alwaysReady: 20, maximumBurst: 30, appScaleLimit: 30 }), saleWindows: [] }),
      ).not.toThrow();
    });
    test('the app cannot be given more than the plan may burst to', () => {
      expectProblem(
        problemsOf(onElasticPremium({ appScaleLimit: 21 }), {}),
        'apps.orderProcessor.appScaleLimit',
        21,
        /at most maximumBurst \(20\)/,
      );
      expectProblem(
        problemsOf(onElasticPremium({ maximumBurst: 2, appScaleLimit: 2 }), {}),
        'apps.orderProcessor.maximumBurst',
        2,
        /at least alwaysReady \(3\)/,
      );
    });
    test('maximum burst stops at 100 on Linux, and 100 is allowed', () => {
      expectProblem(problemsOf(onElasticPremium({ maximumBurst: 101 }), {}), 'apps.orderProcessor.maximumBurst', 101, /from 1 to 100/);
      expect(() => validateEnvironment(onElasticPremium({ maximumBurst: 100, appScaleLimit: 100 }))).not.toThrow();
    });
    test('prewarmed instances 1..10 (azurerm sends 0 on create when unset, and Azure refuses it)', () => {
      expectProblem(problemsOf(onElasticPremium({ prewarmed: 0 }), {}), 'apps.orderProcessor.prewarmed', 0, /from 1 to 10/);
    });
    test('zone redundancy needs at least 2 always-ready instances (one per zone), and 2 is allowed', () => {
      const env = (alwaysReady: number) => ({ ...onElasticPremium({ alwaysReady }), saleWindows: [] });
      expectProblem(problemsOf(env(1), {}), 'apps.orderProcessor.alwaysReady', 1, /at least 2 with zoneBalancing/);
      expect(() => validateEnvironment(env(2))).not.toThrow();
      expect(() =>
        validateEnvironment({
          ...env(1),
          apps: { ...prod.apps, orderProcessor: { ...elasticPremium, alwaysReady: 1, zoneBalancing: false } },
        }),
      ).not.toThrow();
    });
    test("a sale window's minimum is an always-ready count: at least the everyday one, at most 20", () => {
      const env = onElasticPremium();
      const error = problemsOf(env, { saleWindows: [{ ...env.saleWindows[0], minimumInstances: { orderApi: 3, orderProcessor: 25 } }] });
      expectProblem(error, 'saleWindows[0].minimumInstances.orderProcessor', 25, /from 3 to 20/);
    });
  });

  describe('ISO-8601 durations in canonical form', () => {
    test('PT60S is PT1M to Azure, and would diff forever', () => {
      expectProblem(
        problemsOf(dev, { queue: { lockDuration: 'PT60S' } }),
        'queue.lockDuration',
        'PT60S',
        /canonical form .* PT1M, not PT60S/,
      );
    });
    test('PT24H is P1D', () => {
      expectProblem(problemsOf(dev, { queue: { defaultMessageTtl: 'PT24H' } }), 'queue.defaultMessageTtl', 'PT24H', /canonical/);
    });
    test('not a duration at all', () => {
      expectProblem(
        problemsOf(dev, withAutoscale({ scaleOutCooldown: '5 minutes' })),
        'apps.orderProcessor.autoscale.scaleOutCooldown',
        '5 minutes',
        /ISO-8601 duration/,
      );
    });
    test('lock duration at most PT5M', () => {
      expectProblem(problemsOf(dev, { queue: { lockDuration: 'PT10M' } }), 'queue.lockDuration', 'PT10M', /from PT1M to PT5M/);
      // Shorter than the consumer's claim lease and twice its retry budget: a redelivery could overlap a live delivery.
      expectProblem(problemsOf(dev, { queue: { lockDuration: 'PT30S' } }), 'queue.lockDuration', 'PT30S', /from PT1M to PT5M/);
    });
    test('duplicate detection window PT20S..P7D', () => {
      expectProblem(
        problemsOf(dev, { queue: { duplicateDetectionWindow: 'PT10S' } }),
        'queue.duplicateDetectionWindow',
        'PT10S',
        /from PT20S to P7D/,
      );
    });
    test('autoscale windows at least PT5M', () => {
      expectProblem(
        problemsOf(dev, withAutoscale({ scaleOutWindow: 'PT1M' })),
        'apps.orderProcessor.autoscale.scaleOutWindow',
        'PT1M',
        /from PT5M to PT12H/,
      );
    });
    test('scale-in looks back longer than scale-out (issue 2: "scale-in rules with longer windows so it never flaps")', () => {
      expectProblem(
        problemsOf(dev, withAutoscale({ scaleOutWindow: 'PT15M', scaleInWindow: 'PT10M' })),
        'apps.orderProcessor.autoscale.scaleInWindow',
        'PT10M',
        /longer than scaleOutWindow \(PT15M\)/,
      );
      expectProblem(
        problemsOf(dev, withAutoscale({ scaleOutWindow: 'PT15M', scaleInWindow: 'PT15M' })),
        'apps.orderProcessor.autoscale.scaleInWindow',
        'PT15M',
        /longer than scaleOutWindow \(PT15M\)/,
      );
    });
  });

  describe('thresholds', () => {
    test('positive', () => {
      expectProblem(
        problemsOf(dev, withAutoscale({ backlog: { scaleOutPerInstance: 0 } })),
        'apps.orderProcessor.autoscale.backlog.scaleOutPerInstance',
        0,
        /greater than 0/,
      );
      expectProblem(problemsOf(dev, { alerts: { backlogThreshold: -5 } }), 'alerts.backlogThreshold', -5, /greater than 0/);
    });
    test('scale-in below scale-out, or the plan flaps', () => {
      expectProblem(
        problemsOf(dev, withAutoscale({ scaleInCpuPercent: 80 })),
        'apps.orderProcessor.autoscale.scaleInCpuPercent',
        80,
        /less than scaleOutCpuPercent \(70\)/,
      );
      expectProblem(
        problemsOf(dev, withAutoscale({ backlog: { scaleInPerInstance: 500 } })),
        'apps.orderProcessor.autoscale.backlog.scaleInPerInstance',
        500,
        /less than scaleOutPerInstance \(500\)/,
      );
    });
    test('percentages within 1..100', () => {
      expectProblem(
        problemsOf(dev, api({ autoscale: { scaleOutCpuPercent: 120 } })),
        'apps.orderApi.autoscale.scaleOutCpuPercent',
        120,
        /from 1 to 100/,
      );
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
      const second = {
        ...bf,
        name: 'late-night',
        start: '2026-11-28T09:30:00',
        end: '2026-11-28T18:00:00',
        timeZone: 'Tokyo Standard Time',
      };
      const error = problemsOf(prod, { saleWindows: [bf, second] });
      expect(error.problems).toEqual([
        expect.objectContaining({
          field: 'saleWindows[late-night]',
          allowed: expect.stringMatching(/no overlap with sale window 'black-friday-2026'/),
        }),
      ]);
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

  describe('private networking', () => {
    type PrivateNetwork = Extract<NetworkConfig, { kind: 'private' }>;
    const network: PrivateNetwork = {
      kind: 'private',
      addressSpace: '10.60.0.0/23',
      subnets: {
        orderApi: { name: 'snet-order-api', cidr: '10.60.0.0/25' },
        orderProcessor: { name: 'snet-order-processor', cidr: '10.60.0.128/25' },
        privateEndpoints: { name: 'snet-private-endpoints', cidr: '10.60.1.0/27' },
      },
    };
    /** prod with a private network, some of it changed. */
    const onPrivate = (changes: Partial<PrivateNetwork> = {}, base: EnvironmentConfig = prod): EnvironmentConfig => ({
      ...base,
      network: { ...network, ...changes },
    });
    const subnet = (key: keyof PrivateNetwork['subnets'], changes: { name?: string; cidr?: string }) =>
      onPrivate({ subnets: { ...network.subnets, [key]: { ...network.subnets[key], ...changes } } });

    test('the example private environment is valid', () => {
      expect(() => validateEnvironment(onPrivate())).not.toThrow();
    });
    test('an unknown kind', () => {
      expectProblem(problemsOf({ ...dev, network: { kind: 'isolated' } as any }, {}), 'network.kind', 'isolated', /one of public, private/);
    });
    test('private needs a Premium namespace, and says so', () => {
      expectProblem(problemsOf(onPrivate({}, dev), {}), 'serviceBus.sku', 'Standard', /expected Premium with network.kind 'private'/);
    });
    test('the address space is an IPv4 range in CIDR notation, without host bits', () => {
      expectProblem(problemsOf(onPrivate({ addressSpace: '10.60.0.0' }), {}), 'network.addressSpace', '10.60.0.0', /CIDR notation/);
      expectProblem(
        problemsOf(onPrivate({ addressSpace: '10.60.1.0/23' }), {}),
        'network.addressSpace',
        '10.60.1.0/23',
        /10\.60\.0\.0\/23/,
      );
    });
    test('every subnet lies inside the address space', () => {
      expectProblem(
        problemsOf(subnet('privateEndpoints', { cidr: '10.60.2.0/27' }), {}),
        'network.subnets.privateEndpoints.cidr',
        '10.60.2.0/27',
        /inside network.addressSpace \(10\.60\.0\.0\/23\)/,
      );
    });
    test('subnets do not overlap', () => {
      expectProblem(
        problemsOf(subnet('privateEndpoints', { cidr: '10.60.0.96/27' }), {}),
        'network.subnets.privateEndpoints.cidr',
        '10.60.0.96/27',
        /no overlap with network.subnets.orderApi.cidr \(10\.60\.0\.0\/25\)/,
      );
    });
    test('a subnet range without host bits', () => {
      expectProblem(
        problemsOf(subnet('orderProcessor', { cidr: '10.60.0.130/25' }), {}),
        'network.subnets.orderProcessor.cidr',
        '10.60.0.130/25',
        /network address \(10\.60\.0\.128\/25\)/,
      );
    });
    test('subnet names are lower-case (ids are stored verbatim) and unique', () => {
      expectProblem(
        problemsOf(subnet('orderApi', { name: 'Snet-Order-Api' }), {}),
        'network.subnets.orderApi.name',
        'Snet-Order-Api',
        /lower-case/,
      );
      expectProblem(
        problemsOf(subnet('orderProcessor', { name: 'snet-order-api' }), {}),
        'network.subnets.orderProcessor.name',
        'snet-order-api',
        /unique among the subnets \(network.subnets.orderApi has it\)/,
      );
    });
    test("an integration subnet holds twice the plan's maximum instances: a /26 (59 usable) holds 29, not 30", () => {
      const sized = (maximum: number, cidr: string) => withChanges(subnet('orderApi', { cidr }), api({ instances: { maximum } }));
      expect(() => validateEnvironment(sized(29, '10.60.0.0/26'))).not.toThrow();
      expectProblem(
        problemsOf(sized(30, '10.60.0.0/26'), {}),
        'network.subnets.orderApi.cidr',
        '10.60.0.0/26',
        /expected \/25 or larger: apps.orderApi runs up to 30 instances and needs 60 usable addresses/,
      );
      // prod's Dedicated API scales to 10: 20 addresses, more than a /28's 11.
      expect(prod.apps.orderApi.kind === 'dedicated' && prod.apps.orderApi.instances.maximum).toBe(10);
      expectProblem(
        problemsOf(subnet('orderApi', { cidr: '10.60.0.0/28' }), {}),
        'network.subnets.orderApi.cidr',
        '10.60.0.0/28',
        /\/27 or larger: apps.orderApi runs up to 10 instances/,
      );
    });
    test('on Elastic Premium the limit is the app scale limit plus its prewarmed buffer, at most the burst', () => {
      const ep = (changes: Partial<ElasticPremiumHosting>, cidr: string) => ({
        ...onElasticPremium(changes),
        network: { ...network, subnets: { ...network.subnets, orderProcessor: { ...network.subnets.orderProcessor, cidr } } },
      });
      // scale limit 20 + 1 prewarmed: 21 instances, 42 addresses: a /26 holds them.
      expect(() => validateEnvironment(ep({ maximumBurst: 100, appScaleLimit: 20 }, '10.60.0.128/26'))).not.toThrow();
      expectProblem(
        problemsOf(ep({ maximumBurst: 100, appScaleLimit: 30 }, '10.60.0.128/26'), {}),
        'network.subnets.orderProcessor.cidr',
        '10.60.0.128/26',
        /up to 31 instances and needs 62/,
      );
      expectProblem(
        problemsOf(ep({ maximumBurst: 30, appScaleLimit: 30 }, '10.60.0.128/26'), {}),
        'network.subnets.orderProcessor.cidr',
        '10.60.0.128/26',
        /up to 30 instances/,
      );
    });
    test('an integration subnet is at least a /28, whatever the plan', () => {
      const tiny = withChanges(
        subnet('orderApi', { cidr: '10.60.0.0/29' }),
        api({ instances: { minimum: 1, default: 1, maximum: 1 }, initialWorkers: 1, zoneBalancing: false }),
      );
      expectProblem(
        problemsOf({ ...tiny, saleWindows: [] }, {}),
        'network.subnets.orderApi.cidr',
        '10.60.0.0/29',
        /expected \/28 or larger/,
      );
    });
    test('the endpoint subnet has an address for each of the five private endpoints', () => {
      expectProblem(
        problemsOf(subnet('privateEndpoints', { cidr: '10.60.1.0/29' }), {}),
        'network.subnets.privateEndpoints.cidr',
        '10.60.1.0/29',
        /at least 5 usable addresses.*\/28 or larger/,
      );
      expect(() => validateEnvironment(subnet('privateEndpoints', { cidr: '10.60.1.0/28' }))).not.toThrow();
    });
    test('a subnet name short enough for its NSG name', () => {
      const long = `snet-${'a'.repeat(74)}`;
      const error = problemsOf(subnet('privateEndpoints', { name: long }), {});
      expectProblem(error, 'network security group name of network.subnets.privateEndpoints', `nsg-${long}`, /at most 80 characters/);
    });

    describe('inbound restriction of the order API', () => {
      const allow = (inboundAllow: unknown) => onPrivate({ inboundAllow: inboundAllow as PrivateNetwork['inboundAllow'] });
      const frontDoor = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
      test('ranges and a Front Door with its id are valid', () => {
        expect(() =>
          validateEnvironment(
            allow({
              ipRanges: ['203.0.113.0/24', '198.51.100.7/32'],
              serviceTags: [{ tag: 'AzureFrontDoor.Backend', frontDoorIds: [frontDoor] }],
            }),
          ),
        ).not.toThrow();
      });
      test('an empty allow list would refuse every caller', () => {
        expectProblem(
          problemsOf(allow({ ipRanges: [] }), {}),
          'network.inboundAllow',
          { ipRanges: [] },
          /at least one of ipRanges or serviceTags/,
        );
      });
      test('a bare address is refused (write /32)', () => {
        expectProblem(
          problemsOf(allow({ ipRanges: ['198.51.100.7'] }), {}),
          'network.inboundAllow.ipRanges[0]',
          '198.51.100.7',
          /CIDR notation.*write \/32/,
        );
      });
      test('AzureFrontDoor.Backend needs your Front Door id, which is a GUID', () => {
        expectProblem(
          problemsOf(allow({ serviceTags: [{ tag: 'AzureFrontDoor.Backend' }] }), {}),
          'network.inboundAllow.serviceTags[0].frontDoorIds',
          undefined,
          /covers every Front Door in Azure/,
        );
        expectProblem(
          problemsOf(allow({ serviceTags: [{ tag: 'AzureFrontDoor.Backend', frontDoorIds: ['my-front-door'] }] }), {}),
          'network.inboundAllow.serviceTags[0].frontDoorIds[0]',
          'my-front-door',
          /lower-case GUID/,
        );
      });
      test('Front Door ids only with the Front Door tag, at most 8', () => {
        expectProblem(
          problemsOf(allow({ serviceTags: [{ tag: 'ApiManagement', frontDoorIds: [frontDoor] }] }), {}),
          'network.inboundAllow.serviceTags[0].frontDoorIds',
          [frontDoor],
          /only the AzureFrontDoor.Backend tag/,
        );
        expectProblem(
          problemsOf(allow({ serviceTags: [{ tag: 'AzureFrontDoor.Backend', frontDoorIds: Array(9).fill(frontDoor) }] }), {}),
          'network.inboundAllow.serviceTags[0].frontDoorIds',
          9,
          /at most 8/,
        );
      });
      test('a service tag is a tag name', () => {
        expectProblem(
          problemsOf(allow({ serviceTags: [{ tag: 'Azure Front Door' }] }), {}),
          'network.inboundAllow.serviceTags[0].tag',
          'Azure Front Door',
          /service tag/,
        );
      });
      test('at most 512 rules (App Service limit), the availability-test rule included', () => {
        const ranges = Array.from({ length: 512 }, (_, i) => `10.${Math.floor(i / 256)}.${i % 256}.0/24`);
        expectProblem(problemsOf(allow({ ipRanges: ranges }), {}), 'network.inboundAllow', '513 rules', /at most 512/);
        expect(() => validateEnvironment(allow({ ipRanges: ranges, availabilityTests: false }))).not.toThrow();
      });
    });
  });

  describe("Azure's naming rules for every derived name", () => {
    test('a prefix that breaks storage account names', () => {
      expectProblem(problemsOf(dev, { namePrefix: 'Orders' }), 'namePrefix', 'Orders', /lower-case letters and digits/);
    });
    test('storage account names stop at 24 characters', () => {
      // 'stpkg' + 'ordersabcdef' + 'production' ... is only reachable through long prefixes and names
      const error = problemsOf(dev, { namePrefix: 'ordersabcdef', name: 'production' });
      expect(error.problems.map((p) => p.field)).toEqual(
        expect.arrayContaining(['storage account name', 'host storage account name', 'package storage account name']),
      );
      expect(error.problems.find((p) => p.field === 'package storage account name')!.allowed).toMatch(/3-24 lower-case letters and digits/);
    });
    test('function app names stop at 32 characters (the Functions host id is cut there)', () => {
      const error = problemsOf(dev, { namePrefix: 'ordersabcdef', name: 'production' });
      const problem = error.problems.find((p) => p.field === 'orderProcessor function app name');
      expect(problem).toBeDefined();
      expect(problem!.value).toMatch(/^func-ordersabcdef-production-proc-[0-9a-f]{6}$/);
      expect(problem!.allowed).toMatch(/2-32 letters, digits and "-"/);
    });
    test('queue name', () => {
      expectProblem(problemsOf(dev, { queue: { name: 'orders-' } }), 'queue.name', 'orders-', /ending with a letter or digit/);
    });
    test('every environment carries the tags every resource must carry', () => {
      const { environment: _, ...withoutEnvironmentTag } = dev.tags;
      expectProblem(
        problemsOf({ ...dev, tags: withoutEnvironmentTag }, {}),
        'tags.environment',
        undefined,
        /every resource carries the tags workload, environment, managed-by/,
      );
    });
    test('tag keys are lower-case', () => {
      expectProblem(problemsOf(dev, { tags: { Environment: 'dev' } as any }), 'tags.Environment', 'Environment', /lower-case key/);
    });
    test('alert receivers have e-mail addresses', () => {
      expectProblem(
        problemsOf(dev, { alerts: { receivers: [{ name: 'ops', email: 'not-an-address' }] } }),
        'alerts.receivers[0].email',
        'not-an-address',
        /e-mail address/,
      );
    });
    test('an alert nobody receives is refused', () => {
      expectProblem(problemsOf(dev, { alerts: { receivers: [] } }), 'alerts.receivers', [], /at least one receiver/);
    });
    test('the deployer is an object id', () => {
      expectProblem(problemsOf(dev, { deployerObjectId: 'ci-bot' }), 'deployerObjectId', 'ci-bot', /object id/);
    });
  });
});

/**
 * Each rule at its edges: the largest and smallest allowed values pass, one step past them fails
 * naming the field. Only fields are compared (the messages are checked once per rule above).
 */
describe('every range is tried at both ends', () => {
  /** The fields validation names for `env`; [] when it is valid. */
  function rejected(env: EnvironmentConfig): string[] {
    try {
      validateEnvironment(env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.map((p) => p.field);
      throw error;
    }
  }
  const frontDoor = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
  const privateNetwork = prod.network as Extract<NetworkConfig, { kind: 'private' }>;
  const allow = (inboundAllow: unknown): EnvironmentConfig => ({ ...prod, network: { ...privateNetwork, inboundAllow } as NetworkConfig });
  const tags = (count: number) => ({ ...dev.tags, ...Object.fromEntries(Array.from({ length: count - 3 }, (_, i) => [`t${i}`, 'v'])) });
  const ep = (changes: Partial<ElasticPremiumHosting>): EnvironmentConfig => ({
    ...prod,
    apps: { ...prod.apps, orderProcessor: { ...(prod.apps.orderProcessor as ElasticPremiumHosting), ...changes } },
    saleWindows: [],
  });
  const bf = prod.saleWindows[0];
  const windows = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      ...bf,
      name: `sale-${i}`,
      start: `2027-01-${String(i + 1).padStart(2, '0')}T00:00:00`,
      end: `2027-01-${String(i + 1).padStart(2, '0')}T12:00:00`,
    }));
  const receivers = (name: string, email = 'ops@example.com') => ({ alerts: { receivers: [{ name, email }] } });

  it.each<[string, EnvironmentConfig, string[]]>([
    // Identity
    ['a 2-character name', withChanges(dev, { name: 'd1' }), []],
    ['a 10-character name', withChanges(dev, { name: 'd123456789', namePrefix: 'ab' }), []],
    ['an 11-character name', withChanges(dev, { name: 'd1234567890', namePrefix: 'ab' }), ['name']],
    ['a name starting with a digit', withChanges(dev, { name: '1dev' }), ['name']],
    ['a name with a trailing hyphen', withChanges(dev, { name: 'dev-' }), ['name']],
    // Allowed by its own rule; only the longest derived name (the package account) is then too long.
    ['a 12-character prefix', withChanges(dev, { namePrefix: 'o12345678901', name: 'd1' }), ['package storage account name']],
    ['a 13-character prefix', withChanges(dev, { namePrefix: 'o123456789012', name: 'd1' }), ['namePrefix']],
    ['a prefix starting with a digit', withChanges(dev, { namePrefix: '1orders' }), ['namePrefix']],
    ['a prefix with junk at the end', withChanges(dev, { namePrefix: 'orders!' }), ['namePrefix']],
    ['a region with a space', withChanges(dev, { location: 'west europe' }), ['location']],
    ['a region starting with a digit', withChanges(dev, { location: '1westeurope' }), ['location']],
    ['a region with junk at the end', withChanges(dev, { location: 'westeurope!' }), ['location']],
    ['50 tags', { ...dev, tags: tags(50) }, []],
    ['51 tags', { ...dev, tags: tags(51) }, ['tags']],
    ['a 128-character tag key', { ...dev, tags: { ...dev.tags, ['k'.repeat(128)]: 'v' } }, []],
    ['a 129-character tag key', { ...dev, tags: { ...dev.tags, ['k'.repeat(129)]: 'v' } }, [`tags.${'k'.repeat(129)}`]],
    ['a tag key starting with "-"', { ...dev, tags: { ...dev.tags, '-k': 'v' } }, ['tags.-k']],
    ['a tag key with junk at the end', { ...dev, tags: { ...dev.tags, 'k!': 'v' } }, ['tags.k!']],
    ['a 256-character tag value', { ...dev, tags: { ...dev.tags, k: 'v'.repeat(256) } }, []],
    ['a 257-character tag value', { ...dev, tags: { ...dev.tags, k: 'v'.repeat(257) } }, ['tags.k']],
    ['a tag value with a "/"', { ...dev, tags: { ...dev.tags, k: 'a/b' } }, ['tags.k']],
    ['a tag value that is not a string', { ...dev, tags: { ...dev.tags, k: 7 as unknown as string } }, ['tags.k']],
    ['a tag value that is a list', { ...dev, tags: { ...dev.tags, k: ['v'] as unknown as string } }, ['tags.k']],
    ['a deployer object id', withChanges(dev, { deployerObjectId: frontDoor }), []],
    ['a deployer object id with junk at either end', withChanges(dev, { deployerObjectId: `${frontDoor}0` }), ['deployerObjectId']],
    ['a deployer object id with a leading character', withChanges(dev, { deployerObjectId: `0${frontDoor}` }), ['deployerObjectId']],
    // Service Bus
    [
      'messaging units without a Premium namespace',
      withChanges(dev, { serviceBus: { messagingUnits: prod.serviceBus.messagingUnits } }),
      ['serviceBus.messagingUnits'],
    ],
    ['a Premium namespace without messaging units', { ...prod, serviceBus: { sku: 'Premium' } }, ['serviceBus.messagingUnits']],
    ['a fixed number of messaging units', withChanges(prod, { serviceBus: { messagingUnits: { minimum: 4, maximum: 4 } } }), []],
    [
      'a minimum of messaging units Service Bus does not offer (3)',
      withChanges(prod, { serviceBus: { messagingUnits: { minimum: 3, maximum: 4 } } }),
      ['serviceBus.messagingUnits.minimum'],
    ],
    [
      'a minimum above the maximum',
      withChanges(prod, { serviceBus: { messagingUnits: { minimum: 8, maximum: 4 } } }),
      ['serviceBus.messagingUnits.minimum'],
    ],
    [
      'namespace CPU 1 to 100 %',
      withChanges(prod, { serviceBus: { messagingUnits: { scaleInCpuPercent: 1, scaleOutCpuPercent: 100 } } }),
      [],
    ],
    [
      'namespace CPU 0 %',
      withChanges(prod, { serviceBus: { messagingUnits: { scaleInCpuPercent: 0 } } }),
      ['serviceBus.messagingUnits.scaleInCpuPercent'],
    ],
    [
      'namespace CPU 101 %',
      withChanges(prod, { serviceBus: { messagingUnits: { scaleOutCpuPercent: 101 } } }),
      ['serviceBus.messagingUnits.scaleOutCpuPercent'],
    ],
    [
      'namespace scale-in at its scale-out',
      withChanges(prod, { serviceBus: { messagingUnits: { scaleInCpuPercent: 70 } } }),
      ['serviceBus.messagingUnits.scaleInCpuPercent'],
    ],
    // Queue
    ['lock PT5M and delivery count 100', withChanges(dev, { queue: { lockDuration: 'PT5M', maxDeliveryCount: 100 } }), []],
    ['lock PT5M1S', withChanges(dev, { queue: { lockDuration: 'PT5M1S' } }), ['queue.lockDuration']],
    ['lock PT59S', withChanges(dev, { queue: { lockDuration: 'PT59S' } }), ['queue.lockDuration']],
    ['delivery count 1', withChanges(dev, { queue: { maxDeliveryCount: 1 } }), []],
    ['delivery count 0', withChanges(dev, { queue: { maxDeliveryCount: 0 } }), ['queue.maxDeliveryCount']],
    ['delivery count 101', withChanges(dev, { queue: { maxDeliveryCount: 101 } }), ['queue.maxDeliveryCount']],
    ['delivery count 1.5', withChanges(dev, { queue: { maxDeliveryCount: 1.5 } }), ['queue.maxDeliveryCount']],
    [
      'TTL PT5M and P365D, detection PT20S and P7D',
      withChanges(dev, { queue: { defaultMessageTtl: 'P365D', duplicateDetectionWindow: 'PT20S' } }),
      [],
    ],
    ['TTL PT5M, detection P7D', withChanges(dev, { queue: { defaultMessageTtl: 'PT5M', duplicateDetectionWindow: 'P7D' } }), []],
    ['TTL P366D', withChanges(dev, { queue: { defaultMessageTtl: 'P366D' } }), ['queue.defaultMessageTtl']],
    ['detection P8D', withChanges(dev, { queue: { duplicateDetectionWindow: 'P8D' } }), ['queue.duplicateDetectionWindow']],
    ['5120 MB on Standard', withChanges(dev, { queue: { maxSizeInMegabytes: 5120 } }), []],
    ['10240 MB on Standard', withChanges(dev, { queue: { maxSizeInMegabytes: 10240 } }), ['queue.maxSizeInMegabytes (Standard)']],
    ['81920 MB on Premium', withChanges(prod, { queue: { maxSizeInMegabytes: 81920 } }), []],
    // Dedicated plans
    [
      '30 workers from creation',
      withChanges(dev, { apps: { orderApi: { initialWorkers: 30, instances: { minimum: 30, default: 30, maximum: 30 } } } } as any),
      [],
    ],
    ['31 workers from creation', withChanges(dev, { apps: { orderApi: { initialWorkers: 31 } } } as any), ['apps.orderApi.initialWorkers']],
    ['0 workers from creation', withChanges(dev, { apps: { orderApi: { initialWorkers: 0 } } } as any), ['apps.orderApi.initialWorkers']],
    [
      'zone balancing with 2 workers and a minimum of 2',
      withChanges(dev, { apps: { orderApi: { zoneBalancing: true, initialWorkers: 2, instances: { minimum: 2, default: 2 } } } } as any),
      [],
    ],
    [
      'a minimum equal to default and maximum',
      withChanges(dev, { apps: { orderApi: { instances: { minimum: 3, default: 3, maximum: 3 } } } } as any),
      [],
    ],
    ['a minimum of 0', withChanges(dev, { apps: { orderApi: { instances: { minimum: 0 } } } } as any), ['apps.orderApi.instances.minimum']],
    ['scale-out step 1', withChanges(dev, { apps: { orderProcessor: { autoscale: { backlog: { scaleOutStep: 1 } } } } } as any), []],
    [
      'scale-out step 0',
      withChanges(dev, { apps: { orderProcessor: { autoscale: { backlog: { scaleOutStep: 0 } } } } } as any),
      ['apps.orderProcessor.autoscale.backlog.scaleOutStep'],
    ],
    [
      'a backlog scale-in at its scale-out',
      withChanges(dev, { apps: { orderProcessor: { autoscale: { backlog: { scaleInPerInstance: 500 } } } } } as any),
      ['apps.orderProcessor.autoscale.backlog.scaleInPerInstance'],
    ],
    [
      'a backlog scale-in of 0',
      withChanges(dev, { apps: { orderProcessor: { autoscale: { backlog: { scaleInPerInstance: 0 } } } } } as any),
      ['apps.orderProcessor.autoscale.backlog.scaleInPerInstance'],
    ],
    [
      'plan CPU 1 to 100 %',
      withChanges(dev, { apps: { orderApi: { autoscale: { scaleInCpuPercent: 1, scaleOutCpuPercent: 100 } } } } as any),
      [],
    ],
    [
      'plan CPU scale-in at its scale-out',
      withChanges(dev, { apps: { orderApi: { autoscale: { scaleInCpuPercent: 70 } } } } as any),
      ['apps.orderApi.autoscale.scaleInCpuPercent'],
    ],
    [
      'plan CPU 0 %',
      withChanges(dev, { apps: { orderApi: { autoscale: { scaleInCpuPercent: 0 } } } } as any),
      ['apps.orderApi.autoscale.scaleInCpuPercent'],
    ],
    [
      'windows PT5M and PT12H, cooldowns PT1M and P7D',
      withChanges(dev, {
        apps: {
          orderApi: { autoscale: { scaleOutWindow: 'PT5M', scaleInWindow: 'PT12H', scaleOutCooldown: 'PT1M', scaleInCooldown: 'P7D' } },
        },
      } as any),
      [],
    ],
    [
      'a window of PT12H1M',
      withChanges(dev, { apps: { orderApi: { autoscale: { scaleInWindow: 'PT12H1M' } } } } as any),
      ['apps.orderApi.autoscale.scaleInWindow'],
    ],
    [
      'a cooldown of P8D',
      withChanges(dev, { apps: { orderApi: { autoscale: { scaleInCooldown: 'P8D' } } } } as any),
      ['apps.orderApi.autoscale.scaleInCooldown'],
    ],
    [
      'a cooldown of PT59S',
      withChanges(dev, { apps: { orderApi: { autoscale: { scaleOutCooldown: 'PT59S' } } } } as any),
      ['apps.orderApi.autoscale.scaleOutCooldown'],
    ],
    // Elastic Premium
    ['a burst equal to always-ready and the scale limit', ep({ alwaysReady: 5, maximumBurst: 5, appScaleLimit: 5 }), []],
    ['a scale limit below always-ready', ep({ alwaysReady: 5, appScaleLimit: 4 }), ['apps.orderProcessor.appScaleLimit']],
    ['10 prewarmed instances', ep({ prewarmed: 10 }), []],
    ['11 prewarmed instances', ep({ prewarmed: 11 }), ['apps.orderProcessor.prewarmed']],
    ['always-ready 0 without zone balancing', ep({ alwaysReady: 0, zoneBalancing: false }), ['apps.orderProcessor.alwaysReady']],
    // Past both the range and the burst.
    [
      'a scale limit of 101',
      ep({ maximumBurst: 100, appScaleLimit: 101 }),
      ['apps.orderProcessor.appScaleLimit', 'apps.orderProcessor.appScaleLimit'],
    ],
    // Sale windows
    ['19 sale windows', { ...prod, saleWindows: windows(19) }, []],
    ['a window of exactly 365 days', { ...prod, saleWindows: [{ ...bf, start: '2027-01-01T00:00:00', end: '2028-01-01T00:00:00' }] }, []],
    [
      'a window of 365 days and a second',
      { ...prod, saleWindows: [{ ...bf, start: '2027-01-01T00:00:00', end: '2028-01-01T00:00:01' }] },
      ['saleWindows[0].end'],
    ],
    ['a window that ends as it starts', { ...prod, saleWindows: [{ ...bf, end: bf.start }] }, ['saleWindows[0].end']],
    ['a 63-character window name', { ...prod, saleWindows: [{ ...bf, name: `S${'a'.repeat(62)}` }] }, []],
    ['a 64-character window name', { ...prod, saleWindows: [{ ...bf, name: `S${'a'.repeat(63)}` }] }, ['saleWindows[0].name']],
    ['a window name starting with a space', { ...prod, saleWindows: [{ ...bf, name: ' sale' }] }, ['saleWindows[0].name']],
    ['a window name with junk at the end', { ...prod, saleWindows: [{ ...bf, name: 'sale!' }] }, ['saleWindows[0].name']],
    [
      "a window minimum at the Dedicated app's maximum",
      withChanges(prodOnDedicated, {
        saleWindows: [{ ...prodOnDedicated.saleWindows[0], minimumInstances: { orderApi: 20, orderProcessor: 20 } }],
      }),
      [],
    ],
    [
      "a window minimum at the Elastic Premium app's limit",
      {
        ...ep({ alwaysReady: 3, maximumBurst: 20, appScaleLimit: 20 }),
        saleWindows: [{ ...bf, minimumInstances: { orderApi: 2, orderProcessor: 20 } }],
      },
      [],
    ],
    [
      "a window minimum past the Elastic Premium app's scale limit",
      {
        ...ep({ alwaysReady: 3, maximumBurst: 20, appScaleLimit: 10 }),
        saleWindows: [{ ...bf, minimumInstances: { orderApi: 2, orderProcessor: 11 } }],
      },
      ['saleWindows[0].minimumInstances.orderProcessor'],
    ],
    // Inbound restriction
    ['8 Front Door ids', allow({ serviceTags: [{ tag: 'AzureFrontDoor.Backend', frontDoorIds: Array(8).fill(frontDoor) }] }), []],
    [
      'a Front Door id with junk at the end',
      allow({ serviceTags: [{ tag: 'AzureFrontDoor.Backend', frontDoorIds: [`${frontDoor}0`] }] }),
      ['network.inboundAllow.serviceTags[0].frontDoorIds[0]'],
    ],
    [
      'a service tag with junk at the end',
      allow({ serviceTags: [{ tag: 'ApiManagement!' }] }),
      ['network.inboundAllow.serviceTags[0].tag'],
    ],
    [
      'a service tag starting with a digit',
      allow({ serviceTags: [{ tag: '1ApiManagement' }] }),
      ['network.inboundAllow.serviceTags[0].tag'],
    ],
    ['a service tag of two parts', allow({ serviceTags: [{ tag: 'Storage.WestEurope' }] }), []],
    [
      '511 ranges and the availability-test rule',
      allow({ ipRanges: Array.from({ length: 511 }, (_, i) => `10.${Math.floor(i / 256)}.${i % 256}.0/24`) }),
      [],
    ],
    ['only a service tag', allow({ serviceTags: [{ tag: 'ApiManagement' }] }), []],
    // Storage, monitoring, alerts
    ['soft delete 1 and 365 days', withChanges(dev, { storage: { softDeleteDays: 365 } }), []],
    ['soft delete 1 day', withChanges(dev, { storage: { softDeleteDays: 1 } }), []],
    ['soft delete 366 days', withChanges(dev, { storage: { softDeleteDays: 366 } }), ['storage.softDeleteDays']],
    ['soft delete 0 days', withChanges(dev, { storage: { softDeleteDays: 0 } }), ['storage.softDeleteDays']],
    ['no daily cap', withChanges(dev, { monitoring: { dailyQuotaGb: -1 } }), []],
    ['a daily cap of 0.5 GB', withChanges(dev, { monitoring: { dailyQuotaGb: 0.5 } }), []],
    ['a daily cap of 0 GB', withChanges(dev, { monitoring: { dailyQuotaGb: 0 } }), ['monitoring.dailyQuotaGb']],
    ['a daily cap of -2 GB', withChanges(dev, { monitoring: { dailyQuotaGb: -2 } }), ['monitoring.dailyQuotaGb']],
    ['an infinite daily cap', withChanges(dev, { monitoring: { dailyQuotaGb: Infinity } }), ['monitoring.dailyQuotaGb']],
    ['a 128-character receiver name', withChanges(dev, receivers(`o${'p'.repeat(127)}`)), []],
    ['a 129-character receiver name', withChanges(dev, receivers(`o${'p'.repeat(128)}`)), ['alerts.receivers[0].name']],
    ['a receiver name starting with a space', withChanges(dev, receivers(' ops')), ['alerts.receivers[0].name']],
    ['a receiver name with junk at the end', withChanges(dev, receivers('ops!')), ['alerts.receivers[0].name']],
    [
      'two receivers',
      withChanges(dev, {
        alerts: {
          receivers: [
            { name: 'ops', email: 'a@example.com' },
            { name: 'dev', email: 'b@example.com' },
          ],
        },
      }),
      [],
    ],
    [
      'two receivers of one name',
      withChanges(dev, {
        alerts: {
          receivers: [
            { name: 'ops', email: 'a@example.com' },
            { name: 'ops', email: 'b@example.com' },
          ],
        },
      }),
      ['alerts.receivers[1].name'],
    ],
    ['an e-mail address with a space before it', withChanges(dev, receivers('ops', ' ops@example.com')), ['alerts.receivers[0].email']],
    ['an e-mail address with a space after it', withChanges(dev, receivers('ops', 'ops@example.com ')), ['alerts.receivers[0].email']],
    ['an e-mail address without a domain dot', withChanges(dev, receivers('ops', 'ops@example')), ['alerts.receivers[0].email']],
    ['a 5xx threshold of 0', withChanges(dev, { alerts: { http5xxThreshold: 0 } }), ['alerts.http5xxThreshold']],
    ['a backlog threshold that is not a number', withChanges(dev, { alerts: { backlogThreshold: NaN } }), ['alerts.backlogThreshold']],
    ['an alert window of a day', withChanges(dev, { alerts: { backlogWindow: 'P1D' } }), []],
    ['an alert window Azure does not offer', withChanges(dev, { alerts: { backlogWindow: 'PT10M' } }), ['alerts.backlogWindow']],
    // Rules across fields and the order of checks
    ['a name that is not a string', { ...prod, saleWindows: [{ ...bf, name: 7 as unknown as string }] }, ['saleWindows[0].name']],
    [
      'a bad field beside derived names that are too long: the field alone',
      withChanges(dev, { namePrefix: 'ordersabcdef', name: 'production', queue: { maxDeliveryCount: 0 } }),
      ['queue.maxDeliveryCount'],
    ],
    ['fewer instances than workers without zone balancing', withChanges(dev, { apps: { orderApi: { initialWorkers: 2 } } } as any), []],
    [
      'a sale window without minimums',
      { ...prod, saleWindows: [{ ...bf, minimumInstances: undefined as any }] },
      ['saleWindows[0].minimumInstances.orderApi', 'saleWindows[0].minimumInstances.orderProcessor'],
    ],
    ['two windows listed latest first', { ...prod, saleWindows: [prod.saleWindows[1], prod.saleWindows[0]] }, []],
    [
      'two overlapping windows listed latest first',
      { ...prod, saleWindows: [{ ...prod.saleWindows[1], start: '2026-11-27T12:00:00' }, prod.saleWindows[0]] },
      ['saleWindows[cyber-monday-2026]'],
    ],
    [
      'a time zone autoscale knows and no IANA zone matches',
      { ...prod, saleWindows: [{ ...bf, timeZone: 'Kamchatka Standard Time' }] },
      ['saleWindows[0].timeZone'],
    ],
    ['no network at all', { ...dev, network: undefined as unknown as NetworkConfig }, ['network.kind']],
    [
      'a /28 integration subnet for 5 instances',
      {
        ...withChanges(prod, { apps: { orderApi: { instances: { maximum: 5 } } } } as any),
        network: {
          ...privateNetwork,
          subnets: { ...privateNetwork.subnets, orderApi: { ...privateNetwork.subnets.orderApi, cidr: '10.60.0.0/28' } },
        },
      },
      [],
    ],
    [
      'a one-character subnet name',
      {
        ...prod,
        network: {
          ...privateNetwork,
          subnets: { ...privateNetwork.subnets, privateEndpoints: { ...privateNetwork.subnets.privateEndpoints, name: 'p' } },
        },
      },
      [],
    ],
    [
      'a subnet name with junk at the end',
      {
        ...prod,
        network: {
          ...privateNetwork,
          subnets: { ...privateNetwork.subnets, privateEndpoints: { ...privateNetwork.subnets.privateEndpoints, name: 'snet-pe!' } },
        },
      },
      ['network.subnets.privateEndpoints.name'],
    ],
    [
      'a Front Door id with a character before it',
      allow({ serviceTags: [{ tag: 'AzureFrontDoor.Backend', frontDoorIds: [`0${frontDoor}`] }] }),
      ['network.inboundAllow.serviceTags[0].frontDoorIds[0]'],
    ],
    ['a service tag of three parts', allow({ serviceTags: [{ tag: 'Sql.WestEurope.Primary' }] }), []],
    ['one range and one service tag', allow({ ipRanges: ['203.0.113.0/24'], serviceTags: [{ tag: 'ApiManagement' }] }), []],
    [
      'Front Door without ids',
      allow({ serviceTags: [{ tag: 'AzureFrontDoor.Backend', frontDoorIds: [] }] }),
      ['network.inboundAllow.serviceTags[0].frontDoorIds'],
    ],
    [
      '511 ranges, a tag and the availability-test rule',
      allow({
        ipRanges: Array.from({ length: 511 }, (_, i) => `10.${Math.floor(i / 256)}.${i % 256}.0/24`),
        serviceTags: [{ tag: 'ApiManagement' }],
      }),
      ['network.inboundAllow'],
    ],
  ])('%s', (_, env, fields) => {
    expect(rejected(env)).toEqual(fields);
  });

  it('skips a value that is still an unresolved Terraform token (checked when it resolves)', () => {
    expect(rejected(withChanges(dev, { location: Lazy.stringValue({ produce: () => 'not a region' }) }))).toEqual([]);
  });
});
