import { isDeepStrictEqual } from 'node:util';
import { baseEnvironment, dev, prod } from '../../lib/config/environments';
import type { AppHosting, EnvironmentConfig } from '../../lib/config/types';
import { validateEnvironment } from '../../lib/config/validate';

/**
 * The environments are one base plus what each states. The base is the secure default, so an
 * environment that forgets to state something still gets prod's guarantees, and prod is readable as
 * "the base, in its network, with its sale windows".
 */

/** A new environment that states only what has no default. */
const minimal: EnvironmentConfig = {
  ...baseEnvironment,
  name: 'staging',
  tags: { workload: 'orders', environment: 'staging', 'managed-by': 'cdktf' },
  network: { kind: 'public' },
};

/** The fields of an environment whose values differ from the base. */
const statedBy = (env: EnvironmentConfig) =>
  Object.keys(env).filter(
    (key) => !isDeepStrictEqual(env[key as keyof EnvironmentConfig], (baseEnvironment as Record<string, unknown>)[key]),
  );

const zoneRedundant = (hosting: AppHosting) =>
  hosting.zoneBalancing &&
  (hosting.kind === 'dedicated' ? hosting.initialWorkers >= 2 && hosting.instances.minimum >= 2 : hosting.alwaysReady >= 2);

test('an environment that states only its name, tags and network is valid', () => {
  expect(() => validateEnvironment(minimal)).not.toThrow();
});

test('the base is the secure default: zone-redundant plans and data, a Premium namespace, destroy-protected', () => {
  for (const hosting of Object.values(minimal.apps)) expect(zoneRedundant(hosting)).toBe(true);
  expect(['ZRS', 'GZRS', 'RAGZRS']).toContain(minimal.storage.replication);
  expect(minimal.serviceBus.sku).toBe('Premium');
  expect(minimal.protectFromDestroy).toBe(true);
});

test('prod is the base but for its name, tags, network and sale windows', () => {
  expect(statedBy(prod).sort()).toEqual(['name', 'network', 'saleWindows', 'tags']);
});

test('dev states where it is cheaper than the base, and keeps the base everywhere else', () => {
  const cheaper = ['alerts', 'apps', 'monitoring', 'network', 'protectFromDestroy', 'queue', 'serviceBus', 'storage'];
  expect(statedBy(dev).sort()).toEqual([...cheaper, 'name', 'tags'].sort());
  expect(dev.location).toBe(baseEnvironment.location);
  expect(dev.queue).toEqual({ ...baseEnvironment.queue, maxSizeInMegabytes: 5120 });
});
