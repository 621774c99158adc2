import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { buildFunctionBundle } from '../lib/bundle/function-bundle';
import { environments } from '../lib/config/environments';
import { OrdersStack } from '../lib/orders-stack';
import { listExemptions } from '../lib/policy/policy-aspect';
import { RULES } from '../lib/policy/rules';

/**
 * `npm run policy`: the guardrails every stack is held to at synth (lib/policy/rules.ts), and every
 * exemption in every stack with its resource, rule and reason. `--json` prints the same as JSON.
 */
function main(): void {
  const json = process.argv.includes('--json');
  const projectRoot = path.resolve(__dirname, '..');
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'orders-policy-')) });
  try {
    const stacks = environments.map((environment) => new OrdersStack(app, { environment, projectRoot, bundler: buildFunctionBundle }));
    const exemptions = stacks.flatMap((stack) => listExemptions(stack));
    if (json) {
      console.log(JSON.stringify({ rules: RULES.map(({ id, enforces }) => ({ id, enforces })), exemptions }, null, 2));
      return;
    }
    console.log('Rules (lib/policy/rules.ts), applied to every resource of every stack at synth:');
    for (const rule of RULES) console.log(`  ${rule.id.padEnd(24)} ${rule.enforces}`);
    console.log(`\nExemptions (${exemptions.length}):`);
    if (exemptions.length === 0) console.log('  none');
    for (const e of exemptions) console.log(`  ${e.rule.padEnd(24)} ${e.path} (${e.type}): ${e.reason}`);
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

main();
