import { App } from 'cdktf';
import { environments } from './lib/config/environments';
import { OrdersStack } from './lib/orders-stack';
import { remoteStateFromEnv } from './lib/state-backend';

// One stack per environment: `npx cdktf deploy orders-prod` deploys one of them.
const app = new App();
const remoteState = remoteStateFromEnv();
for (const environment of environments) {
  new OrdersStack(app, { environment, projectRoot: __dirname, remoteState });
}
app.synth();
