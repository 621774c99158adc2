/**
 * `npm run bench`: the team's inner-loop figures on this machine, each the median of several runs.
 *
 *   synth      wall time and peak memory of the app (cdktf.json's `app` command, every stack, bundling included),
 *              cold (no package cache: esbuild runs) and warm (sources unchanged: the zip is reused)
 *   test       wall time of `npm test` (type check + every jest suite)
 *   package    zip size and file count, largest contributors, against an unbundled deploy of the
 *              same dependencies (their node_modules closure)
 *   load       time for a fresh Node process to load the bundle the way the Functions worker does
 *
 * Flags: --runs N (default 9), --test-runs N (default 3; 0 skips npm test), --json.
 * Figures, not assertions: tests never time anything.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { APPS } from '../functions/apps';
import { buildFunctionBundle } from '../lib/bundle/function-bundle';

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'orders-function-bundle');
/** The packages functions/ imports; their node_modules closure is what an unbundled deploy ships. */
const FUNCTION_DEPENDENCIES = ['@azure/functions', '@azure/service-bus', '@azure/identity', '@azure/data-tables', 'zod'];

interface Args {
  runs: number;
  testRuns: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 9, testRuns: 3, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--json') args.json = true;
    else if (flag === '--runs') args.runs = positiveInt(flag, argv[++i]);
    else if (flag === '--test-runs') args.testRuns = positiveInt(flag, argv[++i], true);
    else throw new Error(`unknown flag ${flag}: expected --runs N, --test-runs N or --json`);
  }
  return args;
}

function positiveInt(flag: string, value: string | undefined, zeroAllowed = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (zeroAllowed ? 0 : 1)) throw new Error(`${flag} ${value}: expected a whole number ${zeroAllowed ? '>= 0' : '>= 1'}`);
  return n;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The node arguments of cdktf.json's `app` ("node <args...>"): the bench measures what `cdktf synth` runs. */
function appArguments(): string[] {
  const [command, ...args] = String(JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')).app).split(/\s+/);
  if (command !== 'node') throw new Error(`cdktf.json app must start with node to be measured, found ${command}`);
  return args;
}

/** One synth of every stack in a fresh process; wall time and the process's peak RSS. */
function synthOnce(cold: boolean): { ms: number; peakMb: number } {
  if (cold) fs.rmSync(CACHE_DIR, { recursive: true, force: true });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-bench-synth-'));
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--require', path.join(__dirname, 'bench', 'report-peak-rss.cjs'), ...appArguments()], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`synth failed:\n${run.stderr}`);
  const kb = Number(/BENCH_PEAK_RSS_KB=(\d+)/.exec(run.stderr)?.[1]);
  return { ms, peakMb: kb / 1024 };
}

function timeNpmTest(): number {
  const started = process.hrtime.bigint();
  execFileSync('npm', ['test', '--silent'], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Files and bytes of the dependencies' node_modules closure, and how small a zip of them gets. */
function unbundledDeploy(): { files: number; bytes: number; zipBytes: number } {
  const seen = new Set<string>();
  const zipInput: Record<string, Uint8Array> = {};
  let bytes = 0;
  const visit = (name: string, from: string) => {
    const dir = resolvePackageDir(name, from);
    if (!dir || seen.has(dir)) return;
    seen.add(dir);
    for (const file of walk(dir)) {
      const content = fs.readFileSync(file);
      bytes += content.length;
      zipInput[path.relative(ROOT, file)] = content;
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir);
  };
  for (const dep of FUNCTION_DEPENDENCIES) visit(dep, ROOT);
  return { files: Object.keys(zipInput).length, bytes, zipBytes: zipSync(zipInput, { level: 6 }).length };
}

/** Node's lookup: the nearest node_modules/<name> from `from` upwards. */
function resolvePackageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === path.dirname(dir)) return undefined;
  }
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(full);
    return e.isFile() ? [full] : [];
  });
}

/** Loads the unpacked bundle in a fresh Node process with a stand-in for the worker's core module. */
function loadBundleOnce(main: string): number {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'bench', 'load-bundle.cjs'), main], { encoding: 'utf8' });
  return Number(/BENCH_LOAD_MS=([\d.]+)/.exec(out)?.[1]);
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const say = (line: string) => {
    if (!args.json) process.stderr.write(`${line}\n`);
  };

  say(`synth, cold x${args.runs} ...`);
  const cold = Array.from({ length: args.runs }, () => synthOnce(true));
  say(`synth, warm x${args.runs} ...`);
  const warm = Array.from({ length: args.runs }, () => synthOnce(false));

  const bundle = buildFunctionBundle({ projectRoot: ROOT, entry: APPS.orderApi.entry });
  const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-bench-bundle-'));
  for (const [name, content] of Object.entries(unzipSync(fs.readFileSync(bundle.zipPath)))) {
    fs.mkdirSync(path.dirname(path.join(unpacked, name)), { recursive: true });
    fs.writeFileSync(path.join(unpacked, name), content);
  }
  const packageMain = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')).main;
  say(`bundle load x${args.runs * 2} ...`);
  const loads = Array.from({ length: args.runs * 2 }, () => loadBundleOnce(path.join(unpacked, packageMain)));
  fs.rmSync(unpacked, { recursive: true, force: true });
  say('unbundled closure ...');
  const unbundled = unbundledDeploy();

  let tests: number[] = [];
  if (args.testRuns > 0) {
    say(`npm test x${args.testRuns} ...`);
    tests = Array.from({ length: args.testRuns }, timeNpmTest);
  }

  const report = {
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    synthColdMs: median(cold.map((r) => r.ms)),
    // This class of VM varies by ±20% run to run: the fastest run shows what the code costs.
    synthColdMinMs: Math.min(...cold.map((r) => r.ms)),
    synthColdPeakMb: median(cold.map((r) => r.peakMb)),
    synthWarmMs: median(warm.map((r) => r.ms)),
    synthWarmMinMs: Math.min(...warm.map((r) => r.ms)),
    synthWarmPeakMb: median(warm.map((r) => r.peakMb)),
    npmTestMs: tests.length ? median(tests) : undefined,
    zipBytes: bundle.sizeBytes,
    zipFiles: bundle.entries.length,
    zipEntries: bundle.entries,
    largestContributors: bundle.contributors.slice(0, 8),
    unbundled,
    bundleLoadMs: median(loads),
    runs: { synth: args.runs, load: loads.length, npmTest: tests.length },
  };

  if (args.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const rows: Array<[string, string]> = [
    ['machine', `${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.machine.memoryGb} GiB, Node ${report.machine.node}`],
    ['synth, cold (esbuild runs)', `${report.synthColdMs.toFixed(0)} ms (fastest ${report.synthColdMinMs.toFixed(0)} ms), peak ${report.synthColdPeakMb.toFixed(0)} MB`],
    ['synth, warm (package reused)', `${report.synthWarmMs.toFixed(0)} ms (fastest ${report.synthWarmMinMs.toFixed(0)} ms), peak ${report.synthWarmPeakMb.toFixed(0)} MB`],
    ['npm test', report.npmTestMs === undefined ? 'skipped (--test-runs 0)' : `${(report.npmTestMs / 1000).toFixed(1)} s`],
    ['package zip', `${kb(report.zipBytes)}, ${report.zipFiles} files (${report.zipEntries.map((e) => `${e.name} ${kb(e.bytes)}`).join(', ')})`],
    ['unbundled deploy', `${kb(unbundled.zipBytes)} zipped, ${(unbundled.bytes / 2 ** 20).toFixed(1)} MB in ${unbundled.files} files (node_modules closure of ${FUNCTION_DEPENDENCIES.join(', ')})`],
    ['bundle load (fresh process)', `${report.bundleLoadMs.toFixed(0)} ms`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`Medians of ${args.runs} synth runs, ${loads.length} loads, ${tests.length} test runs\n`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log('\nLargest contributors to the bundle (minified bytes):');
  for (const c of report.largestContributors) console.log(`  ${c.name.padEnd(36)} ${kb(c.bytes).padStart(8)}`);
}

main();
