import { App } from 'cdktf';
import { environments } from './lib/config/environments';
import { OrdersStack } from './lib/orders-stack';
import { remoteStateFromEnv } from './lib/state-backend';

// cdktf captures a full stack trace for every lazy value it creates, and with source maps on each
// capture is mapped back to TypeScript: a fifth of synth time. Off while the stacks are built (the
// modules above were loaded with them on, so an error's trace still names .ts lines once back on).
process.setSourceMapsEnabled(false);
try {
  // One stack per environment: `npx cdktf deploy orders-prod` deploys one of them.
  const app = new App();
  const remoteState = remoteStateFromEnv();
  for (const environment of environments) {
    new OrdersStack(app, { environment, projectRoot: __dirname, remoteState });
  }
  app.synth();
} catch (error) {
  process.setSourceMapsEnabled(true);
  throw error;
}
