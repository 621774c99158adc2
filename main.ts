import { APP_ROLES, APPS } from './functions/apps';
import { startFunctionBundle, type FunctionBundle } from './lib/bundle/function-bundle';

// A cold synth bundles the functions (esbuild, in its own process) and loads cdktf and the provider
// bindings (~0.6 s in this one). Start both apps' bundles first, then load the rest while esbuild
// works: hence `require` here, as `import`s would all load before the first line runs.
const bundling = Promise.all(APP_ROLES.map((role) => startFunctionBundle({ projectRoot: __dirname, entry: APPS[role].entry })));
// Source maps off from here on. This file's own map (the whole stack code, compiled into one file by
// scripts/synth.cjs) was read when Node loaded it, so an error's trace still names .ts lines once they
// are back on. Off, cdktf and the provider bindings load without Node parsing the inline source map of
// each of their files, and the stacks are built without mapping the stack trace cdktf captures for
// every lazy value: together, a fifth of a warm synth.
process.setSourceMapsEnabled(false);
/* eslint-disable @typescript-eslint/no-require-imports -- loaded while esbuild works (above) */
let loaded;
try {
  loaded = {
    ...(require('cdktf') as typeof import('cdktf')),
    ...(require('./lib/config/environments') as typeof import('./lib/config/environments')),
    ...(require('./lib/orders-stack') as typeof import('./lib/orders-stack')),
    ...(require('./lib/providers') as typeof import('./lib/providers')),
    ...(require('./lib/state-backend') as typeof import('./lib/state-backend')),
  };
} catch (error) {
  // Back on before the trace is first read, so it names .ts lines.
  process.setSourceMapsEnabled(true);
  throw error;
}
/* eslint-enable @typescript-eslint/no-require-imports */
const { App, TerraformStack, environments, missingProviders, OrdersStack, remoteStateFromEnv } = loaded;

bundling
  .then((bundles) => {
    const byEntry = new Map<string, FunctionBundle>(APP_ROLES.map((role, i) => [APPS[role].entry, bundles[i]]));
    // One stack per environment: `npx cdktf deploy orders-prod` deploys one of them. skipValidation:
    // besides a provider check per stack (run below), cdktf's validations are a Terraform version check
    // per `terraform_data`, each running `terraform version` (a third of a warm synth, and a synth that
    // fails where no Terraform is installed although it needs none). The stacks state
    // `required_version` instead, which Terraform checks where it runs (lib/providers.ts).
    const app = new App({ skipValidation: true });
    const remoteState = remoteStateFromEnv();
    for (const environment of environments) {
      // The stacks take the packages built above (each environment deploys the same two).
      new OrdersStack(app, { environment, projectRoot: __dirname, remoteState, bundler: ({ entry }) => byEntry.get(entry)! });
    }
    const missing = app.node.findAll().filter(TerraformStack.isStack).flatMap(missingProviders);
    if (missing.length > 0) throw new Error(missing.join('\n'));
    app.synth();
  })
  .catch((error: unknown) => {
    process.setSourceMapsEnabled(true);
    console.error(error);
    process.exitCode = 1;
  });
