/**
 * `npm run simulate -- [--env prod] [--profile file.json] [flags]`: the surge simulation, before and
 * after, from the environment's synthesized stack. Model and defaults: scripts/simulation/ (README there
 * is ASSUMPTIONS.md). `--help` lists the flags.
 */
import * as path from 'node:path';
import { runSimulateCli } from './simulation/cli';

runSimulateCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  projectRoot: path.resolve(__dirname, '..'),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`simulate: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
