import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPS, type AppRole } from '../../functions/apps';
import { buildFunctionBundle, type FunctionBundle } from '../../lib/bundle/function-bundle';
import { unpackZip } from '../harness/functions-host';
import { median } from './median';

/** One app's deployment package: what it holds and how long a fresh Node process takes to load it. */
export interface PackageFigures {
  readonly title: string;
  readonly entry: string;
  readonly zipBytes: number;
  readonly zipFiles: number;
  readonly zipEntries: FunctionBundle['entries'];
  readonly largestContributors: FunctionBundle['contributors'];
  /** Median time to `require` package.json's main in a fresh Node process, with the worker's core module provided. */
  readonly coldLoadMs: number;
  readonly coldLoadMinMs: number;
  readonly loads: number;
  /** The functions the package registered while it loaded. */
  readonly registered: readonly string[];
}

/**
 * Loads the unpacked package in a fresh Node process (load-bundle.cjs) the way the Functions worker
 * does: only the module load, not the process start or the host around it.
 */
function loadOnce(main: string): { ms: number; registered: string[] } {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'load-bundle.cjs'), main], { encoding: 'utf8' });
  const match = /BENCH_LOAD_MS=([\d.]+) functions=(\S*)/.exec(out);
  if (!match) throw new Error(`load-bundle.cjs printed no figure:\n${out}`);
  return { ms: Number(match[1]), registered: match[2].split(',') };
}

/** The package's figures, and the zip's path (in the package cache) for the throughput runs. */
export function measurePackage(projectRoot: string, role: AppRole, loads: number): { figures: PackageFigures; zipPath: string } {
  const bundle = buildFunctionBundle({ projectRoot, entry: APPS[role].entry });
  const app = unpackZip(bundle.zipPath);
  try {
    const main = path.join(app.dir, JSON.parse(fs.readFileSync(path.join(app.dir, 'package.json'), 'utf8')).main);
    const runs = Array.from({ length: loads }, () => loadOnce(main));
    const figures: PackageFigures = {
      title: APPS[role].title,
      entry: APPS[role].entry,
      zipBytes: bundle.sizeBytes,
      zipFiles: bundle.entries.length,
      zipEntries: bundle.entries,
      largestContributors: bundle.contributors.slice(0, 8),
      coldLoadMs: median(runs.map((r) => r.ms)),
      coldLoadMinMs: Math.min(...runs.map((r) => r.ms)),
      loads,
      registered: runs[0].registered,
    };
    return { figures, zipPath: bundle.zipPath };
  } finally {
    app.remove();
  }
}
