import { APP_ROLES, APPS } from './functions/apps';
import { startFunctionBundle, type FunctionBundle } from './lib/bundle/function-bundle';

// A cold synth bundles the functions (esbuild, in its own process) and loads cdktf and the provider
// bindings (~0.6 s in this one). Start both apps' bundles first, then load the rest while esbuild
// works: hence `require` here, as `import`s would all load before the first line runs.
const bundling = Promise.all(APP_ROLES.map((role) => startFunctionBundle({ projectRoot: __dirname, entry: APPS[role].entry })));
/* eslint-disable @typescript-eslint/no-require-imports -- loaded while esbuild works (above) */
const { App } = require('cdktf') as typeof import('cdktf');
const { environments } = require('./lib/config/environments') as typeof import('./lib/config/environments');
const { OrdersStack } = require('./lib/orders-stack') as typeof import('./lib/orders-stack');
const { remoteStateFromEnv } = require('./lib/state-backend') as typeof import('./lib/state-backend');
/* eslint-enable @typescript-eslint/no-require-imports */

bundling
  .then((bundles) => {
    const byEntry = new Map<string, FunctionBundle>(APP_ROLES.map((role, i) => [APPS[role].entry, bundles[i]]));
    // cdktf captures a full stack trace for every lazy value it creates, and mapping each one back to
    // TypeScript is a fifth of synth time. Off while the stacks are built; the modules were loaded with
    // source maps on, so an error's trace still names .ts lines once they are back on.
    process.setSourceMapsEnabled(false);
    // One stack per environment: `npx cdktf deploy orders-prod` deploys one of them.
    const app = new App();
    const remoteState = remoteStateFromEnv();
    for (const environment of environments) {
      // The stacks take the packages built above (each environment deploys the same two).
      new OrdersStack(app, { environment, projectRoot: __dirname, remoteState, bundler: ({ entry }) => byEntry.get(entry)! });
    }
    app.synth();
  })
  .catch((error: unknown) => {
    process.setSourceMapsEnabled(true);
    console.error(error);
    process.exitCode = 1;
  });
