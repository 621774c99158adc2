import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { deterministicZip, type FunctionBundle } from '../../lib/bundle/function-bundle';
import type { EnvironmentConfig } from '../../lib/config/types';
import { OrdersStack } from '../../lib/orders-stack';
import { missingProviders } from '../../lib/providers';
import type { RemoteState } from '../../lib/state-backend';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * A stand-in for the esbuild bundler: a fixed, tiny zip. Stack snapshots then change only when the
 * infrastructure changes, not with every edit of function code; the real bundle's wiring has its own
 * tests (synth-output.test.ts, the functions' bundle contract test).
 */
export const fakeBundler = (() => {
  let bundle: FunctionBundle | undefined;
  return (): FunctionBundle => {
    if (bundle) return bundle;
    const zip = deterministicZip({
      'host.json': Buffer.from('{"version":"2.0"}'),
      'package.json': Buffer.from('{"main":"dist/main.cjs"}'),
      'dist/main.cjs': Buffer.from('// test package'),
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-fake-bundle-'));
    const zipPath = path.join(dir, 'functions.zip');
    fs.writeFileSync(zipPath, zip);
    bundle = {
      zipPath,
      sha256: createHash('sha256').update(zip).digest('hex'),
      md5: createHash('md5').update(zip).digest('hex'),
      sizeBytes: zip.length,
      entries: [],
      contributors: [],
      fromCache: false,
    };
    return bundle;
  };
})();

export interface Synthesized {
  /** What cdktf writes to cdk.tf.json, as a string (for cdktf's matchers). */
  readonly json: string;
  /** The same, parsed, with cdktf's metadata (construct paths): read it the way Terraform and Azure will. */
  readonly tf: TerraformJson;
}

export interface TerraformJson {
  provider: Record<string, Array<Record<string, any>>>;
  terraform: Record<string, any>;
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
}

/**
 * Each configuration's stack, synthesized once per Jest module registry: the suites of a folder that
 * runs in one registry (`all.test.ts`) share it, and the same environment object always synthesizes
 * to the same JSON (first-deploy.spec checks that on fresh synths). Frozen, so a test that changes
 * what it read (instead of a copy) fails at once rather than leaking into the next suite.
 */
const synthesized = new WeakMap<EnvironmentConfig, Synthesized>();

export function synthEnvironment(
  environment: EnvironmentConfig,
  options: { remoteState?: RemoteState; fresh?: boolean } = {},
): Synthesized {
  const shared = options.remoteState === undefined && !options.fresh;
  const cached = shared ? synthesized.get(environment) : undefined;
  if (cached) return cached;
  const app = Testing.app();
  const stack = new OrdersStack(app, { environment, projectRoot: PROJECT_ROOT, bundler: fakeBundler, remoteState: options.remoteState });
  // What main.ts checks before it synthesizes (cdktf's other validations need Terraform).
  const missing = missingProviders(stack);
  if (missing.length > 0) throw new Error(missing.join('\n'));
  const json = Testing.synth(stack);
  const result = { json, tf: deepFreeze(JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson) };
  if (shared) synthesized.set(environment, result);
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Every resource of a type, by its logical id. */
export function resourcesOf(tf: TerraformJson, type: string): Record<string, Record<string, any>> {
  return tf.resource[type] ?? {};
}

/** The only resource of a type; fails the test when there is not exactly one. */
export function onlyResource(tf: TerraformJson, type: string): Record<string, any> {
  const all = Object.values(resourcesOf(tf, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** The resource whose construct path ends with `suffix` (e.g. 'app-identity/send-orders'). */
export function resourceAt(tf: TerraformJson, type: string, suffix: string): Record<string, any> {
  const match = Object.values(resourcesOf(tf, type)).find((r) => String(r['//']?.metadata?.path).endsWith(suffix));
  if (!match) throw new Error(`no ${type} at a path ending in ${suffix}`);
  return match;
}

/** `${azurerm_x.name.attr}` for the resource at a construct path suffix: how Terraform references it. */
export function refTo(tf: TerraformJson, type: string, suffix: string, attribute: string): string {
  const entry = Object.entries(resourcesOf(tf, type)).find(([, r]) => String(r['//']?.metadata?.path).endsWith(suffix));
  if (!entry) throw new Error(`no ${type} at a path ending in ${suffix}`);
  return `\${${type}.${entry[0]}.${attribute}}`;
}

/** A copy of an environment with some fields replaced (deeply for plain objects). */
export function withChanges<T>(base: T, changes: DeepPartial<T>): T {
  if (Array.isArray(changes) || typeof changes !== 'object' || changes === null) return changes as T;
  const out: any = Array.isArray(base) ? [...(base as any)] : { ...(base as any) };
  for (const [key, value] of Object.entries(changes)) {
    const current = (base as any)?.[key];
    out[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? withChanges(current, value as any)
        : value;
  }
  return out as T;
}

export type DeepPartial<T> = {
  [K in keyof T]?: NonNullable<T[K]> extends ReadonlyArray<unknown>
    ? T[K]
    : NonNullable<T[K]> extends object
      ? DeepPartial<NonNullable<T[K]>>
      : T[K];
};
