/**
 * `npm run bench`: the team's inner-loop figures on this machine, each the median of several runs.
 *
 *   synth      wall time and peak memory of the app (cdktf.json's `app` command, every stack, bundling included),
 *              cold (no package cache: esbuild runs) and warm (sources unchanged: the zip is reused)
 *   test       wall time of `npm test` (type check + every jest suite)
 *   packages   for each app of functions/apps.ts: zip size and file count, largest contributors, and the
 *              time for a fresh Node process to load it the way the Functions worker does; against an
 *              unbundled deploy of the same dependencies (their node_modules closure)
 *   processor  the built order processor zip in the worker stand-in (scripts/harness/functions-host)
 *              against Azurite's Table service: orders/s, the worker's CPU ms per order, and from it the
 *              orders/s one fully busy vCPU would process (what the surge model's per-instance figures use)
 *   api        the built order API zip the same way, valid POST /api/orders with the send completed by a
 *              loopback AMQP stand-in: requests/s, CPU ms per request, requests/s per vCPU
 *
 * Flags: --runs N (default 9), --test-runs N (default 3; 0 skips npm test), --orders N (invocations per
 * throughput run, default 2000), --json. Figures, not assertions: tests never time anything.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { zipSync } from 'fflate';
import { APP_ROLES, type AppRole } from '../functions/apps';
import { measurePackage, type PackageFigures } from './bench/app-packages';
import { median } from './bench/median';
import { measureApi, measureProcessor, type ThroughputRun } from './bench/worker-throughput';

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'orders-function-bundle');
/** The packages functions/ imports; their node_modules closure is what an unbundled deploy ships. */
const FUNCTION_DEPENDENCIES = ['@azure/functions', '@azure/service-bus', '@azure/identity', '@azure/data-tables', 'zod'];

/** Invocations of each throughput run before the measured ones: first token, TLS handshakes, JIT. */
const WARM_UP_INVOCATIONS = 200;

interface Args {
  runs: number;
  testRuns: number;
  orders: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 9, testRuns: 3, orders: 2000, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--json') args.json = true;
    else if (flag === '--runs') args.runs = positiveInt(flag, argv[++i]);
    else if (flag === '--test-runs') args.testRuns = positiveInt(flag, argv[++i], true);
    else if (flag === '--orders') args.orders = positiveInt(flag, argv[++i]);
    else throw new Error(`unknown flag ${flag}: expected --runs N, --test-runs N, --orders N or --json`);
  }
  return args;
}

function positiveInt(flag: string, value: string | undefined, zeroAllowed = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (zeroAllowed ? 0 : 1))
    throw new Error(`${flag} ${value}: expected a whole number ${zeroAllowed ? '>= 0' : '>= 1'}`);
  return n;
}

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

/** Medians of several throughput runs. Per vCPU = 1000 / CPU ms per invocation: what one vCPU busy with nothing else would do. */
function throughputFigures(runs: ThroughputRun[]) {
  const cpuMs = median(runs.map((r) => r.cpuMsPerInvocation));
  return {
    concurrency: runs[0].concurrency,
    perSecond: median(runs.map((r) => r.perSecond)),
    cpuMs,
    cpuMsMin: Math.min(...runs.map((r) => r.cpuMsPerInvocation)),
    cpuMsMax: Math.max(...runs.map((r) => r.cpuMsPerInvocation)),
    perSecondPerVcpu: 1000 / cpuMs,
    floorCpuMsPerInvocation: median(runs.map((r) => r.floorCpuMsPerInvocation)),
    workerPeakRssMb: median(runs.map((r) => r.workerPeakRssMb)),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const say = (line: string) => {
    if (!args.json) process.stderr.write(`${line}\n`);
  };

  say(`synth, cold x${args.runs} ...`);
  const cold = Array.from({ length: args.runs }, () => synthOnce(true));
  say(`synth, warm x${args.runs} ...`);
  const warm = Array.from({ length: args.runs }, () => synthOnce(false));

  const packages = {} as Record<AppRole, PackageFigures>;
  const zipPaths = {} as Record<AppRole, string>;
  for (const role of APP_ROLES) {
    say(`${role} package load x${args.runs * 2} ...`);
    ({ figures: packages[role], zipPath: zipPaths[role] } = measurePackage(ROOT, role, args.runs * 2));
  }
  say('unbundled closure ...');
  const unbundled = unbundledDeploy();

  const throughput = { count: args.orders, warmUp: WARM_UP_INVOCATIONS };
  say(`order processor throughput x${args.runs} (${args.orders} orders each, against Azurite) ...`);
  const processorRuns: ThroughputRun[] = [];
  let concurrencySource = '';
  for (let run = 0; run < args.runs; run++) {
    const { concurrencySource: source, ...figures } = await measureProcessor({ ...throughput, zipPath: zipPaths.orderProcessor });
    processorRuns.push(figures);
    concurrencySource = source;
  }
  say(`order API throughput x${args.runs} (${args.orders} requests each, loopback Service Bus) ...`);
  const apiRuns: ThroughputRun[] = [];
  for (let run = 0; run < args.runs; run++) apiRuns.push(await measureApi({ ...throughput, zipPath: zipPaths.orderApi }));
  const processor = throughputFigures(processorRuns);
  const api = throughputFigures(apiRuns);

  let tests: number[] = [];
  if (args.testRuns > 0) {
    say(`npm test x${args.testRuns} ...`);
    tests = Array.from({ length: args.testRuns }, timeNpmTest);
  }

  const report = {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    synthColdMs: median(cold.map((r) => r.ms)),
    // This class of VM varies by ±20% run to run: the fastest run shows what the code costs.
    synthColdMinMs: Math.min(...cold.map((r) => r.ms)),
    synthColdPeakMb: median(cold.map((r) => r.peakMb)),
    synthWarmMs: median(warm.map((r) => r.ms)),
    synthWarmMinMs: Math.min(...warm.map((r) => r.ms)),
    synthWarmPeakMb: median(warm.map((r) => r.peakMb)),
    npmTestMs: tests.length ? median(tests) : undefined,
    // The order API's package, as these fields held before the split into two apps (see `packages`).
    zipBytes: packages.orderApi.zipBytes,
    zipFiles: packages.orderApi.zipFiles,
    zipEntries: packages.orderApi.zipEntries,
    largestContributors: packages.orderApi.largestContributors,
    unbundled,
    bundleLoadMs: packages.orderApi.coldLoadMs,
    runs: { synth: args.runs, load: packages.orderApi.loads, npmTest: tests.length, throughput: args.runs },
    packages,
    processor: {
      runs: processorRuns.length,
      ordersPerRun: args.orders,
      warmUpOrders: WARM_UP_INVOCATIONS,
      concurrency: processor.concurrency,
      concurrencySource,
      ordersPerSecond: processor.perSecond,
      cpuMsPerOrder: processor.cpuMs,
      cpuMsPerOrderMin: processor.cpuMsMin,
      cpuMsPerOrderMax: processor.cpuMsMax,
      ordersPerSecondPerVcpu: processor.perSecondPerVcpu,
      floorCpuMsPerInvocation: processor.floorCpuMsPerInvocation,
      workerPeakRssMb: processor.workerPeakRssMb,
    },
    api: {
      runs: apiRuns.length,
      requestsPerRun: args.orders,
      warmUpRequests: WARM_UP_INVOCATIONS,
      concurrency: api.concurrency,
      requestsPerSecond: api.perSecond,
      cpuMsPerRequest: api.cpuMs,
      cpuMsPerRequestMin: api.cpuMsMin,
      cpuMsPerRequestMax: api.cpuMsMax,
      requestsPerSecondPerVcpu: api.perSecondPerVcpu,
      floorCpuMsPerInvocation: api.floorCpuMsPerInvocation,
      workerPeakRssMb: api.workerPeakRssMb,
    },
  };

  if (args.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const rows: Array<[string, string]> = [
    ['machine', `${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.machine.memoryGb} GiB, Node ${report.machine.node}`],
    [
      'synth, cold (esbuild runs)',
      `${report.synthColdMs.toFixed(0)} ms (fastest ${report.synthColdMinMs.toFixed(0)} ms), peak ${report.synthColdPeakMb.toFixed(0)} MB`,
    ],
    [
      'synth, warm (package reused)',
      `${report.synthWarmMs.toFixed(0)} ms (fastest ${report.synthWarmMinMs.toFixed(0)} ms), peak ${report.synthWarmPeakMb.toFixed(0)} MB`,
    ],
    ['npm test', report.npmTestMs === undefined ? 'skipped (--test-runs 0)' : `${(report.npmTestMs / 1000).toFixed(1)} s`],
    ...APP_ROLES.flatMap((role): Array<[string, string]> => {
      const p = report.packages[role];
      return [
        [`${p.title} zip`, `${kb(p.zipBytes)}, ${p.zipFiles} files (${p.zipEntries.map((e) => `${e.name} ${kb(e.bytes)}`).join(', ')})`],
        [
          `${p.title} cold load`,
          `${p.coldLoadMs.toFixed(0)} ms (fastest ${p.coldLoadMinMs.toFixed(0)} ms; fresh process, registers ${p.registered.join(', ')})`,
        ],
      ];
    }),
    [
      'unbundled deploy',
      `${kb(unbundled.zipBytes)} zipped, ${(unbundled.bytes / 2 ** 20).toFixed(1)} MB in ${unbundled.files} files (node_modules closure of ${FUNCTION_DEPENDENCIES.join(', ')})`,
    ],
    [
      'processor, orders/s',
      `${report.processor.ordersPerSecond.toFixed(0)} at ${report.processor.concurrency} concurrent (${concurrencySource}), Azurite on the same cores`,
    ],
    [
      'processor, CPU per order',
      `${report.processor.cpuMsPerOrder.toFixed(2)} ms (runs ${report.processor.cpuMsPerOrderMin.toFixed(2)}-${report.processor.cpuMsPerOrderMax.toFixed(2)}; harness floor ${report.processor.floorCpuMsPerInvocation.toFixed(2)} ms)`,
    ],
    [
      'processor, orders/s per vCPU',
      `${report.processor.ordersPerSecondPerVcpu.toFixed(0)} (1000 / CPU ms per order: one vCPU busy with nothing else)`,
    ],
    [
      'API, requests/s',
      `${report.api.requestsPerSecond.toFixed(0)} at ${report.api.concurrency} concurrent, sends to a loopback AMQP stand-in`,
    ],
    [
      'API, CPU per request',
      `${report.api.cpuMsPerRequest.toFixed(2)} ms (runs ${report.api.cpuMsPerRequestMin.toFixed(2)}-${report.api.cpuMsPerRequestMax.toFixed(2)}; harness floor ${report.api.floorCpuMsPerInvocation.toFixed(2)} ms)`,
    ],
    ['API, requests/s per vCPU', `${report.api.requestsPerSecondPerVcpu.toFixed(0)} (1000 / CPU ms per request)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(
    `Medians of ${args.runs} synth runs, ${packages.orderApi.loads} loads per package, ${args.runs} throughput runs of ${args.orders} invocations (after ${WARM_UP_INVOCATIONS} unmeasured), ${tests.length} test runs\n`,
  );
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  for (const role of APP_ROLES) {
    console.log(`\nLargest contributors to the ${report.packages[role].title} bundle (minified bytes):`);
    for (const c of report.packages[role].largestContributors) console.log(`  ${c.name.padEnd(36)} ${kb(c.bytes).padStart(8)}`);
  }
  console.log(
    [
      '',
      'CPU figures are the Node.js worker process only (user + system, all its threads), measured inside it.',
      'Not included: the Functions host (.NET: HTTP front end, Service Bus receive and settlement, gRPC),',
      "Azurite and the stand-ins, telemetry export. The harness floor is GET /api/health's cost in the same",
      'worker: IPC, programming model, a handler without I/O.',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
