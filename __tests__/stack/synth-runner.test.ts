import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../helpers/synth';

/**
 * scripts/synth.cjs, the app command, reuses a compiled main.ts. A stale one would deploy old stack
 * code, so these run it on a copy of the project and edit the copy: every edit must reach the output.
 */

let root: string;

function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-synth-runner-'));
  for (const entry of ['main.ts', 'lib', 'functions', 'scripts/synth.cjs', 'tsconfig.json', 'package.json', 'package-lock.json']) {
    fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  // The packages by link, but a cache of its own (the copy's compiled main.ts must not touch ours);
  // the function package is copied in warm, so only the runner's own work is measured here.
  fs.mkdirSync(path.join(dir, 'node_modules', '.cache'), { recursive: true });
  for (const name of fs.readdirSync(path.join(PROJECT_ROOT, 'node_modules'))) {
    if (name !== '.cache') fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  const packages = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'orders-function-bundle');
  if (fs.existsSync(packages)) fs.cpSync(packages, path.join(dir, 'node_modules', '.cache', 'orders-function-bundle'), { recursive: true });
  return dir;
}

function synth() {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('ORDERS_STATE_') && name !== 'CDKTF_OUTDIR'),
  );
  const run = spawnSync(process.execPath, ['scripts/synth.cjs'], { cwd: root, env, encoding: 'utf8' });
  expect([run.status, run.stderr]).toEqual([0, '']);
  const compiled = path.join(root, 'node_modules', '.cache', 'orders-synth', 'main.cjs');
  const stack = fs.readFileSync(path.join(root, 'cdktf.out', 'stacks', 'orders-dev', 'cdk.tf.json'), 'utf8');
  return { compiledAt: fs.statSync(compiled).mtimeMs, stack };
}

beforeAll(() => {
  root = copyProject();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** What the next run would do: reuse the compiled file (true) or compile again (false). */
function wouldReuse(): boolean {
  // The copy's own synth.cjs, whose cache is the copy's; isFresh reads the files on every call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time
  return (require(path.join(root, 'scripts', 'synth.cjs')) as { isFresh: () => boolean }).isFresh();
}

test('compiles once, reuses the compiled file while nothing changed, and recompiles on any edit', () => {
  const first = synth();
  expect(wouldReuse()).toBe(true);
  const again = synth();
  expect(again.compiledAt).toBe(first.compiledAt);
  expect(again.stack).toBe(first.stack);

  // An edit deep in the import graph (a construct, not main.ts) reaches the synthesized JSON.
  const hosting = path.join(root, 'lib', 'hosting.ts');
  const source = fs.readFileSync(hosting, 'utf8');
  expect(source).toContain("HEALTH_CHECK_PATH = '/api/health'");
  fs.writeFileSync(hosting, source.replace("HEALTH_CHECK_PATH = '/api/health'", "HEALTH_CHECK_PATH = '/api/healthz'"));
  expect(wouldReuse()).toBe(false);
  const edited = synth();
  expect(edited.compiledAt).not.toBe(first.compiledAt);
  expect(first.stack).toContain('"health_check_path": "/api/health"');
  expect(edited.stack).toContain('"health_check_path": "/api/healthz"');

  // tsconfig.json shapes how esbuild compiles: it is part of the key although no import names it.
  const tsconfig = path.join(root, 'tsconfig.json');
  fs.writeFileSync(tsconfig, fs.readFileSync(tsconfig, 'utf8').replace('"strict": true', '"strict": true '));
  expect(wouldReuse()).toBe(false);
});
