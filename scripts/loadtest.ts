/**
 * `npm run loadtest -- --base-url https://<app>.azurewebsites.net/api [--rate 50 --duration 60s] [--smoke]`:
 * an open-model load test of the deployed order API, or (--smoke) one order end to end after a deploy.
 * The function key comes from ORDERS_FUNCTION_KEY and is never printed. `--help` lists the flags.
 */
import * as path from 'node:path';
import { runLoadTestCli } from './loadtest/cli';

runLoadTestCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  projectRoot: path.resolve(__dirname, '..'),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Last resort: never echo the key, even in a stack trace.
    const key = process.env.ORDERS_FUNCTION_KEY;
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`loadtest: ${key ? text.split(key).join('[redacted]') : text}\n`);
    process.exitCode = 1;
  },
);
