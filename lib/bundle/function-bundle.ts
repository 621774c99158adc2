import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  build as esbuild,
  buildSync,
  formatMessagesSync,
  version as esbuildVersion,
  type BuildOptions,
  type BuildResult,
  type Message,
  type Metafile,
} from 'esbuild';
import { zipSync } from 'fflate';
import { FUNCTIONS_NODE_VERSION } from '../functions-runtime';

/**
 * Builds a function app's deployment package: esbuild bundles one entry point of `functions/` into one CommonJS file,
 * and the zip holds exactly what the Functions host and the Node.js worker load:
 *
 *   host.json           the host's configuration
 *   package.json        `main` names the bundle (the worker loads it with `require`)
 *   dist/main.cjs       the bundle
 *   dist/main.cjs.map   its source map, without embedded sources
 *
 * The zip is deterministic (sorted entries, fixed timestamps, fixed compression), so the same sources
 * give the same bytes and the same SHA-256, and the package is content-addressed by that hash.
 * A build whose inputs (function sources, lockfile, options) are unchanged is reused from the cache.
 */

export interface FunctionBundleOptions {
  /** Directory that holds `package-lock.json` and `node_modules`. */
  readonly projectRoot: string;
  /** Directory of the function sources, relative to `projectRoot`. @default 'functions' */
  readonly functionsDir?: string;
  /** Entry point inside `functionsDir`: it registers the app's functions at load (`APPS[role].entry`, functions/apps.ts). */
  readonly entry: string;
  /** host.json inside `functionsDir`. @default 'host.json' */
  readonly hostJson?: string;
  /** Node.js major version of the function app; the bundle targets it. @default FUNCTIONS_NODE_VERSION (lib/functions-runtime.ts) */
  readonly nodeVersion?: number;
  /** Ship a source map (without sources) next to the bundle. @default true */
  readonly sourceMap?: boolean;
  /** Minify the bundle. @default true */
  readonly minify?: boolean;
  /** Cache directory for built packages. @default '<projectRoot>/node_modules/.cache/orders-function-bundle' */
  readonly cacheDir?: string;
}

export interface FunctionBundle {
  /** Absolute path of the zip (inside the cache directory). */
  readonly zipPath: string;
  /** SHA-256 of the zip, lower-case hex: the package's content address. */
  readonly sha256: string;
  /** MD5 of the zip, lower-case hex: what Azure Storage checks on upload (`content_md5`). */
  readonly md5: string;
  readonly sizeBytes: number;
  /** Zip entries with their uncompressed sizes, in zip order. */
  readonly entries: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  /** Bytes each npm package (or `functions/`) contributes to the bundle, largest first. */
  readonly contributors: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  /** True when the zip came from the cache instead of a fresh esbuild run. */
  readonly fromCache: boolean;
}

/** The worker supplies this module at run time; bundling or stubbing it makes the app register nothing. */
export const WORKER_PROVIDED_MODULES = ['@azure/functions-core'];

export const BUNDLE_MAIN = 'dist/main.cjs';

/** Zip timestamps: fflate writes DOS time from local date fields, so a local-time constant is the same everywhere. */
const FIXED_ZIP_TIME = new Date(2000, 0, 1, 0, 0, 0);
/** fflate's deflate level: 9 takes 150 ms more for a zip 0.5% smaller. */
const ZIP_LEVEL = 6;

/**
 * Bump when this file changes what goes into the zip or how (its entries, their order, package.json,
 * the timestamp): packages cached by the old code then stop matching. The esbuild options, the zip
 * level and the bundle's path are part of the cache key already.
 */
const PACKAGE_FORMAT_VERSION = 2;

export class FunctionBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionBundleError';
  }
}

export function esbuildOptions(options: FunctionBundleOptions): BuildOptions {
  const functionsDir = options.functionsDir ?? 'functions';
  const nodeVersion = options.nodeVersion ?? FUNCTIONS_NODE_VERSION;
  const sourceMap = options.sourceMap ?? true;
  return {
    absWorkingDir: options.projectRoot,
    entryPoints: [path.join(functionsDir, options.entry)],
    outfile: BUNDLE_MAIN,
    bundle: true,
    platform: 'node',
    // CommonJS: the worker `require`s the entry point, and @azure/functions-core is reached through require.
    format: 'cjs',
    target: `node${nodeVersion}`,
    minify: options.minify ?? true,
    // Minified class names would break `err.name`/constructor checks in SDK error handling.
    keepNames: true,
    sourcemap: sourceMap ? 'linked' : false,
    sourcesContent: false,
    external: WORKER_PROVIDED_MODULES,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'silent',
  };
}

export function buildFunctionBundle(options: FunctionBundleOptions): FunctionBundle {
  const build = planBuild(options);
  if (build.cached) return build.cached;
  try {
    return build.finish(buildSync(build.esbuildOptions));
  } catch (error) {
    throw asBundleError(error);
  }
}

/**
 * The same build, but esbuild works in its own process while the caller goes on: main.ts starts it
 * before it loads cdktf and the provider bindings, so a cold synth does both at once.
 */
export async function startFunctionBundle(options: FunctionBundleOptions): Promise<FunctionBundle> {
  const build = planBuild(options);
  if (build.cached) return build.cached;
  const result = await esbuild(build.esbuildOptions).catch((error: unknown) => {
    throw asBundleError(error);
  });
  return build.finish(result);
}

interface PlannedBuild {
  readonly esbuildOptions: BuildOptions;
  /** The package from the cache when its inputs are unchanged. */
  readonly cached?: FunctionBundle;
  /** Zips esbuild's output and stores it in the cache. */
  finish(result: BuildResult): FunctionBundle;
}

function planBuild(options: FunctionBundleOptions): PlannedBuild {
  const root = path.resolve(options.projectRoot);
  const resolved = { ...options, projectRoot: root };
  const functionsDir = path.join(root, options.functionsDir ?? 'functions');
  const cacheDir = options.cacheDir ?? path.join(root, 'node_modules', '.cache', 'orders-function-bundle');
  const buildOptions = esbuildOptions(resolved);
  const key = cacheKey(root, functionsDir, buildOptions);

  return {
    esbuildOptions: buildOptions,
    cached: readCached(cacheDir, key),
    finish(result) {
      const metafile = result.metafile as Metafile;
      assertSelfContained(root, functionsDir, metafile);
      assertOneCopyPerSdkPackage(metafile);

      const files: Record<string, Uint8Array> = {
        'host.json': fs.readFileSync(path.join(functionsDir, options.hostJson ?? 'host.json')),
        'package.json': Buffer.from(JSON.stringify({ name: 'orders-functions', private: true, main: BUNDLE_MAIN }, null, 2) + '\n'),
      };
      for (const output of result.outputFiles ?? []) {
        files[path.relative(root, output.path).split(path.sep).join('/')] = output.contents;
      }
      const zip = deterministicZip(files);

      const bundle: Omit<FunctionBundle, 'zipPath' | 'fromCache'> = {
        sha256: createHash('sha256').update(zip).digest('hex'),
        md5: createHash('md5').update(zip).digest('hex'),
        sizeBytes: zip.length,
        entries: Object.keys(files)
          .sort()
          .map((name) => ({ name, bytes: files[name].length })),
        contributors: contributorsOf(metafile),
      };
      return writeCached(cacheDir, key, zip, bundle);
    },
  };
}

/**
 * A zip whose bytes depend only on the file names and contents. fflate deflates in JavaScript, so the
 * bytes do not change with the machine's zlib.
 */
export function deterministicZip(files: Record<string, Uint8Array>): Buffer {
  const entries: Record<string, [Uint8Array, { mtime: Date; level: typeof ZIP_LEVEL }]> = {};
  for (const name of Object.keys(files).sort()) {
    entries[name] = [files[name], { mtime: FIXED_ZIP_TIME, level: ZIP_LEVEL }];
  }
  return Buffer.from(zipSync(entries));
}

/** esbuild's own messages (file, line, what is wrong), as synth's error; anything else as it is. */
function asBundleError(error: unknown): unknown {
  const errors = (error as { errors?: Message[] }).errors;
  if (!errors?.length) return error;
  const text = formatMessagesSync(errors, { kind: 'error', color: false }).join('\n');
  return new FunctionBundleError(`esbuild could not bundle the function app:\n${text}`);
}

/**
 * The cache key covers every input of the build: the function sources, the lockfile (which pins every
 * bundled dependency), the esbuild options and version, the package format, and the project's
 * tsconfig.json (esbuild reads how to compile from it: functions/tsconfig.json extends it). Bundled code from
 * outside `functions/` or `node_modules/` is rejected (see assertSelfContained), so nothing else can
 * change it. (Not this file's own text: synth runs it compiled into one file with the whole stack, so
 * every stack edit would rebuild the package.)
 */
function cacheKey(root: string, functionsDir: string, buildOptions: BuildOptions): string {
  const hash = createHash('sha256');
  const packageFormat = { version: PACKAGE_FORMAT_VERSION, zipLevel: ZIP_LEVEL, main: BUNDLE_MAIN };
  hash.update(JSON.stringify({ buildOptions: { ...buildOptions, absWorkingDir: undefined }, esbuildVersion, packageFormat }));
  hash.update(fs.readFileSync(path.join(root, 'package-lock.json')));
  const tsconfig = path.join(root, 'tsconfig.json');
  hash.update(fs.existsSync(tsconfig) ? fs.readFileSync(tsconfig) : '\0');
  for (const file of listFiles(functionsDir)) {
    hash.update(path.relative(root, file).split(path.sep).join('/'));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

function assertSelfContained(root: string, functionsDir: string, metafile: Metafile): void {
  const functionsRel = path.relative(root, functionsDir).split(path.sep).join('/') + '/';
  const strays = Object.keys(metafile.inputs).filter((input) => !input.startsWith(functionsRel) && !input.includes('node_modules/'));
  if (strays.length > 0) {
    throw new FunctionBundleError(
      `function code may import only from ${functionsRel} and npm packages (the package cache is keyed on them); found: ${strays.join(', ')}`,
    );
  }
}

/**
 * Second copies of an SDK package that a bundle may hold, each with its reason. Any other is refused.
 */
const ALLOWED_SECOND_COPIES: ReadonlyArray<{ readonly dir: string; readonly why: string }> = [
  {
    dir: 'node_modules/@azure/service-bus/node_modules/@azure/abort-controller',
    why: '@azure/service-bus 7 pins @azure/abort-controller ^1, whose AbortController class v2 dropped; npm nests it',
  },
];

/**
 * Each Azure SDK package (`@azure/*`, and `@typespec/ts-http-runtime` under core v2) bundled from one
 * directory in one module format (docs/functions-runtime.md, 1.8): its ESM and CommonJS builds side by
 * side, or a second install, are two copies of the SDK (two AMQP stacks, `instanceof` false for half its
 * errors). The only second copies allowed are those ALLOWED_SECOND_COPIES lists.
 */
function assertOneCopyPerSdkPackage(metafile: Pick<Metafile, 'inputs'>): void {
  const problems = sdkPackageCopies(metafile).flatMap(({ name, copies }) => {
    const dirs = new Set(copies.map((c) => c.dir));
    const unlisted = [...dirs].filter((dir) => !ALLOWED_SECOND_COPIES.some((allowed) => allowed.dir === dir));
    const clash = copies.length > dirs.size || unlisted.length > 1;
    return clash ? [`${name} from ${copies.map((c) => `${c.dir} (${c.format})`).join(' and ')}`] : [];
  });
  if (problems.length > 0) {
    throw new FunctionBundleError(
      `the bundle would hold two copies of an Azure SDK package: ${problems.join('; ')}. ` +
        'Load it one way (`import x = require(...)`, docs/functions-runtime.md 1.8) or deduplicate it in package-lock.json (`npm dedupe`); ' +
        'a second copy that must stay goes into ALLOWED_SECOND_COPIES (lib/bundle/function-bundle.ts) with its reason.',
    );
  }
}

interface BundledCopy {
  /** The package's directory, relative to the project root, e.g. `node_modules/@azure/core-amqp`. */
  readonly dir: string;
  /** Where in the package the bundled files come from: an ESM build, a CommonJS build, or neither by name. */
  readonly format: 'esm' | 'cjs' | 'neutral';
}

/** Every Azure SDK package esbuild bundled, with each directory and format it took files from. */
function sdkPackageCopies(metafile: Pick<Metafile, 'inputs'>): Array<{ name: string; copies: BundledCopy[] }> {
  const copies = new Map<string, Map<string, BundledCopy>>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(@azure\/[^/]+|@typespec\/ts-http-runtime))\/(.*)$/.exec(input);
    if (!match) continue;
    const [, dir, name, file] = match;
    const format = /(^|\/)(esm|dist-esm)\/|\.mjs$/.test(file) ? 'esm' : /(^|\/)(commonjs|cjs)\/|\.cjs$/.test(file) ? 'cjs' : 'neutral';
    const found = copies.get(name) ?? new Map<string, BundledCopy>();
    found.set(`${dir} ${format}`, { dir, format });
    copies.set(name, found);
  }
  return [...copies].map(([name, found]) => ({ name, copies: [...found.values()] })).sort((a, b) => a.name.localeCompare(b.name));
}

function contributorsOf(metafile: Metafile): Array<{ name: string; bytes: number }> {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes.entries()].map(([name, n]) => ({ name, bytes: n })).sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

/** `node_modules/@azure/core-amqp/dist/...` -> `@azure/core-amqp`; own sources -> their directory. */
function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.split('/')[0] + '/';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

type CacheRecord = Omit<FunctionBundle, 'zipPath' | 'fromCache'>;

function readCached(cacheDir: string, key: string): FunctionBundle | undefined {
  const dir = path.join(cacheDir, key);
  try {
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'bundle.json'), 'utf8')) as CacheRecord;
    const zipPath = path.join(dir, 'functions.zip');
    if (fs.statSync(zipPath).size !== record.sizeBytes) return undefined;
    return { ...record, zipPath, fromCache: true };
  } catch {
    return undefined;
  }
}

/** Writes through a temporary directory and a rename, so parallel synths never see half a package. */
function writeCached(cacheDir: string, key: string, zip: Buffer, record: CacheRecord): FunctionBundle {
  const dir = path.join(cacheDir, key);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'functions.zip'), zip);
  fs.writeFileSync(path.join(tmp, 'bundle.json'), JSON.stringify(record, null, 2));
  try {
    fs.renameSync(tmp, dir);
  } catch {
    // Another process finished the same build first; its bytes are identical.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { ...record, zipPath: path.join(dir, 'functions.zip'), fromCache: false };
}
