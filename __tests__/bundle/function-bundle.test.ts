import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import {
  buildFunctionBundle,
  deterministicZip,
  esbuildOptions,
  FunctionBundleError,
  startFunctionBundle,
} from '../../lib/bundle/function-bundle';
import { PROJECT_ROOT } from '../helpers/synth';

/** The temporary projects' entry point. */
const ENTRY = 'index.ts';

/** A throwaway project: functions/ with an entry and host.json, and a lockfile. */
function tempProject(entry: string, extra: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-bundle-test-'));
  const files: Record<string, string> = {
    'package-lock.json': '{"lockfileVersion":3}',
    'functions/host.json': '{"version":"2.0"}',
    'functions/index.ts': entry,
    ...extra,
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
function project(entry: string, extra?: Record<string, string>) {
  const root = tempProject(entry, extra);
  roots.push(root);
  return root;
}

describe('esbuild options (what the Functions worker needs)', () => {
  const options = esbuildOptions({ projectRoot: '/project', entry: ENTRY });
  test('one CommonJS file for Node 22, minified, with the worker-provided module left external', () => {
    expect(options).toMatchObject({
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      minify: true,
      outfile: 'dist/main.cjs',
      external: ['@azure/functions-core'],
    });
  });
  test('source maps next to the bundle, without embedded sources', () => {
    expect(options).toMatchObject({ sourcemap: 'linked', sourcesContent: false });
  });
  test('options are typed and overridable, each with its documented default', () => {
    expect(esbuildOptions({ projectRoot: '/p', entry: ENTRY, nodeVersion: 20, sourceMap: false, minify: false })).toMatchObject({
      target: 'node20',
      sourcemap: false,
      minify: false,
    });
  });
});

describe('the package zip', () => {
  test('holds host.json, a package.json whose main names the bundle, the bundle and its map', () => {
    const root = project('export const answer: number = 42;\nconsole.log(answer);\n');
    const bundle = buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir: path.join(root, '.cache') });
    const files = unzipSync(fs.readFileSync(bundle.zipPath));
    expect(Object.keys(files).sort()).toEqual(['dist/main.cjs', 'dist/main.cjs.map', 'host.json', 'package.json']);
    expect(JSON.parse(Buffer.from(files['package.json']).toString())).toEqual({
      name: 'orders-functions',
      private: true,
      main: 'dist/main.cjs',
    });
    expect(Buffer.from(files['dist/main.cjs']).toString()).toMatch(/sourceMappingURL=main\.cjs\.map/);
    const map = JSON.parse(Buffer.from(files['dist/main.cjs.map']).toString());
    expect(map.sources).toEqual(['../functions/index.ts']);
    expect(map.sourcesContent).toBeUndefined();
  });

  test('the same sources give the same bytes, from a cold cache too', () => {
    const root = project('export const a = 1;\n');
    const first = buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir: path.join(root, 'cache-1') });
    const second = buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir: path.join(root, 'cache-2') });
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(false);
    expect(fs.readFileSync(second.zipPath).equals(fs.readFileSync(first.zipPath))).toBe(true);
    expect(second.sha256).toBe(first.sha256);
  });

  test('an unchanged build is reused; any change to function code changes the hash', () => {
    const root = project('export const a = 1;\n');
    const cacheDir = path.join(root, '.cache');
    const first = buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir });
    const again = buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir });
    expect(again).toMatchObject({ fromCache: true, sha256: first.sha256, md5: first.md5 });
    fs.writeFileSync(path.join(root, 'functions/index.ts'), 'export const a = 2;\n');
    const changed = buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir });
    expect(changed.fromCache).toBe(false);
    expect(changed.sha256).not.toBe(first.sha256);
  });

  test('started in the background (as main.ts does), the build gives the same bytes and shares the cache', async () => {
    const root = project('export const a = 1;\n');
    const cacheDir = path.join(root, '.cache');
    const background = await startFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir });
    const inline = buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir: path.join(root, '.cache-inline') });
    expect(background.fromCache).toBe(false);
    expect(fs.readFileSync(background.zipPath).equals(fs.readFileSync(inline.zipPath))).toBe(true);
    expect(buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir })).toMatchObject({
      fromCache: true,
      sha256: background.sha256,
    });
    await expect(startFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir })).resolves.toMatchObject({
      fromCache: true,
      sha256: background.sha256,
    });
  });

  test('a lockfile change (new dependency versions) rebuilds', () => {
    const root = project('export const a = 1;\n');
    const cacheDir = path.join(root, '.cache');
    buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir });
    fs.writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    expect(buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir }).fromCache).toBe(false);
  });

  test("a change to the project's tsconfig.json, which shapes how esbuild compiles, rebuilds", () => {
    // A class field compiles to a define or to an assignment, as useDefineForClassFields says.
    const root = project('export class Order { id = 1; }\nconsole.log(new Order().id);\n', { 'tsconfig.json': '{}' });
    const cacheDir = path.join(root, '.cache');
    const first = buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir });
    fs.writeFileSync(path.join(root, 'tsconfig.json'), '{"compilerOptions":{"useDefineForClassFields":false}}');
    const changed = buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir });
    expect(changed.fromCache).toBe(false);
    expect(changed.sha256).not.toBe(first.sha256);
  });

  test("zip timestamps do not depend on the machine's time zone", () => {
    const script = `const { deterministicZip } = require('./lib/bundle/function-bundle'); process.stdout.write(require('crypto').createHash('sha256').update(deterministicZip({ 'a.txt': Buffer.from('a') })).digest('hex'));`;
    const hashIn = (tz: string) =>
      execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
    expect(hashIn('Pacific/Auckland')).toBe(hashIn('America/Los_Angeles'));
  });

  test('entry order does not change the bytes', () => {
    const a = deterministicZip({ 'x.txt': Buffer.from('x'), 'y.txt': Buffer.from('y') });
    const b = deterministicZip({ 'y.txt': Buffer.from('y'), 'x.txt': Buffer.from('x') });
    expect(a.equals(b)).toBe(true);
  });
});

describe('errors', () => {
  test("an esbuild error fails with esbuild's message, naming the file", () => {
    const root = project('export const broken = ;\n');
    expect(() => buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir: path.join(root, '.cache') })).toThrow(
      FunctionBundleError,
    );
    expect(() => buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir: path.join(root, '.cache') })).toThrow(
      /\[ERROR\] Unexpected ";"[\s\S]*functions\/index\.ts:1:22/,
    );
  });

  test("in the background too, an esbuild error fails with esbuild's message", async () => {
    const root = project('export const broken = ;\n');
    await expect(startFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir: path.join(root, '.cache') })).rejects.toThrow(
      /\[ERROR\] Unexpected ";"[\s\S]*functions\/index\.ts:1:22/,
    );
  });

  /** An npm package `@azure/<name>` at `dir`, with an ESM and a CommonJS build. */
  const sdkPackage = (dir: string, version: string): Record<string, string> => ({
    [`${dir}/package.json`]: JSON.stringify({
      name: dir.slice(dir.lastIndexOf('@azure/')),
      version,
      exports: { import: './esm/index.js', require: './cjs/index.js' },
    }),
    [`${dir}/esm/index.js`]: `export const version = '${version}';\n`,
    [`${dir}/cjs/index.js`]: `exports.version = '${version}';\n`,
  });
  const build = (root: string) => () => buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir: path.join(root, '.cache') });

  test('an Azure SDK package loaded both by import and by require (its ESM and CommonJS builds) fails the build, naming both', () => {
    const root = project("import { version } from '@azure/fake';\nconsole.log(version, require('@azure/fake').version);\n", {
      ...sdkPackage('node_modules/@azure/fake', '1.2.0'),
    });
    expect(build(root)).toThrow(FunctionBundleError);
    expect(build(root)).toThrow(/@azure\/fake from node_modules\/@azure\/fake \(esm\) and node_modules\/@azure\/fake \(cjs\)/);
  });

  test('a second install of an SDK package fails the build, whatever its version, unless it is an allowed one', () => {
    const entry = "console.log(require('@azure/fake').version, require('@azure/other').version);\n";
    const nested = (under: string, name: string) => ({
      ...sdkPackage(`node_modules/@azure/${name}`, '2.0.0'),
      ...sdkPackage(`node_modules/@azure/${under}`, '1.0.0'),
      [`node_modules/@azure/${under}/cjs/index.js`]: `exports.version = require('@azure/${name}').version;\n`,
      ...sdkPackage(`node_modules/@azure/${under}/node_modules/@azure/${name}`, '1.0.0'),
    });
    const fake = (under: string) => project(entry.replace("'@azure/other'", `'@azure/${under}'`), nested(under, 'fake'));
    expect(build(fake('other'))).toThrow(
      /@azure\/fake from node_modules\/@azure\/fake \(cjs\) and node_modules\/@azure\/other\/node_modules\/@azure\/fake \(cjs\)/,
    );
    // The one allowed second copy (ALLOWED_SECOND_COPIES): abort-controller nested under service-bus.
    const allowed = project(
      "console.log(require('@azure/abort-controller').version, require('@azure/service-bus').version);\n",
      nested('service-bus', 'abort-controller'),
    );
    expect(build(allowed)).not.toThrow();
  });

  test('function code may not import from outside functions/ (the cache would not see such a change)', () => {
    const root = project("import { x } from '../lib/x';\nconsole.log(x);\n", { 'lib/x.ts': 'export const x = 1;\n' });
    expect(() => buildFunctionBundle({ projectRoot: root, entry: ENTRY, cacheDir: path.join(root, '.cache') })).toThrow(
      /may import only from functions\/ and npm packages.*lib\/x\.ts/,
    );
  });
});
