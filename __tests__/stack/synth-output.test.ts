import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { unzipSync } from 'fflate';
import { environments } from '../../lib/config/environments';
import { OrdersStack } from '../../lib/orders-stack';
import { PROJECT_ROOT } from '../helpers/synth';

/**
 * What `npm run synth` writes, with the real esbuild bundle: every stack with its package, nothing
 * that names the machine, and the same bytes on every synth. The first synth runs cdktf.json's own
 * command (main.ts, as `cdktf synth` runs it); the second builds the stacks in this process.
 */

/** cdktf.json's `app`, run in a child process with its output in `outdir`. */
function runApp(outdir: string, env: Record<string, string> = {}) {
  const [command, ...args] = String(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdktf.json'), 'utf8')).app).split(/\s+/);
  expect(command).toBe('node');
  // Local state, whatever the caller's shell has set for the remote backend.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ORDERS_STATE_')));
  return spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...inherited, CDKTF_OUTDIR: outdir, ...env }, encoding: 'utf8' });
}

function synthInProcess(outdir: string): void {
  const app = new App({ outdir });
  for (const environment of environments) new OrdersStack(app, { environment, projectRoot: PROJECT_ROOT });
  app.synth();
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}

let first: string;
let second: string;
beforeAll(() => {
  first = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-synth-a-'));
  second = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-synth-b-'));
  const run = runApp(first);
  expect([run.status, run.stderr]).toEqual([0, '']);
  synthInProcess(second);
});
afterAll(() => {
  for (const dir of [first, second]) fs.rmSync(dir, { recursive: true, force: true });
});

test('one stack per environment, each with the package asset of each app', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(first, 'manifest.json'), 'utf8'));
  expect(Object.keys(manifest.stacks).sort()).toEqual(environments.map((e) => `orders-${e.name}`).sort());
  for (const name of Object.keys(manifest.stacks)) {
    const tf = JSON.parse(fs.readFileSync(path.join(first, 'stacks', name, 'cdk.tf.json'), 'utf8'));
    const hashes = new Set<string>();
    for (const id of ['order-api', 'order-processor']) {
      const blob = Object.values(tf.resource.azurerm_storage_blob as Record<string, Record<string, any>>).find((b) =>
        b['//'].metadata.path.endsWith(`${id}-package/blob`),
      )!;
      // The blob's source is relative to the stack's working directory, where Terraform runs.
      const bytes = fs.readFileSync(path.join(first, 'stacks', name, blob.source));
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      expect(blob.name).toBe(`functions-${sha256}.zip`);
      expect(blob.content_md5).toBe(createHash('md5').update(bytes).digest('hex'));
      expect(tf.output[`${id.replace('-', '_')}_package_sha256`].value).toBe(sha256);
      hashes.add(sha256);
    }
    expect(hashes.size).toBe(2);
  }
});

test('nothing in the output names the machine that synthesized it', () => {
  const machinePaths = [PROJECT_ROOT, first, os.tmpdir(), os.homedir()];
  for (const file of filesUnder(first)) {
    // A zip is compressed: read each entry (the bundle and its source map) as the host will.
    const bytes = fs.readFileSync(file);
    const contents = file.endsWith('.zip')
      ? Object.entries(unzipSync(bytes)).map(([entry, data]) => [`${file}!${entry}`, data] as const)
      : [[file, bytes] as const];
    for (const [name, data] of contents) {
      const text = Buffer.from(data).toString('latin1');
      for (const p of machinePaths) expect([name, p, text.includes(p)]).toEqual([name, p, false]);
    }
  }
});

test('two synths write the same bytes (snapshots and diffs are the same on every machine)', () => {
  const relative = (dir: string) =>
    filesUnder(dir)
      .map((f) => path.relative(dir, f))
      .sort();
  expect(relative(second)).toEqual(relative(first));
  for (const file of relative(first)) {
    expect([file, fs.readFileSync(path.join(second, file)).equals(fs.readFileSync(path.join(first, file)))]).toEqual([file, true]);
  }
});

test('a configuration error fails the synth command: exit code 1, the message on stderr, nothing written', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-synth-bad-'));
  try {
    const run = runApp(outdir, { ORDERS_STATE_STORAGE_ACCOUNT: 'Not_A_Name' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ORDERS_STATE_STORAGE_ACCOUNT = "Not_A_Name" is not allowed: expected a storage account name');
    // The trace names the TypeScript source line, although synth runs without source-mapped traces.
    expect(run.stderr).toMatch(/lib\/state-backend\.ts:\d+:\d+/);
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(false);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
