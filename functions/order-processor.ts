import { app } from '@azure/functions';
import { AppSetting, REQUIRED_SETTINGS, SERVICE_BUS_CONNECTION } from './app-settings';
import { createAppClients, SERVICE_BUS_SCOPE, STORAGE_SCOPE } from './azure/app-clients';
import { createHealthHandler } from './http/health';
import { createDeadLetterScanHandler, DEAD_LETTER_SCAN_SCHEDULE } from './queue/dead-letter-scan';
import { createProcessOrderHandler } from './queue/process-order';
import { FUNCTION_NAMES, ROUTES } from './registrations';

/**
 * The entry point of the order processor's package: the queue-triggered consumer, the dead-letter
 * scan (a timer) and the app's own health endpoint, registered synchronously at load (docs/functions-runtime.md, 1.3);
 * settings are read and clients created on first use (docs/functions-runtime.md, 1.4). The trigger's Service Bus link is
 * the host's; the code's own link only peeks the dead-letter queue. The processor sends nothing.
 */

const env = process.env;
// The host fetches the trigger's Service Bus token itself; the code reaches the tables and peeks the dead-letter queue.
const clients = createAppClients(env, { warmUpScopes: [STORAGE_SCOPE, SERVICE_BUS_SCOPE] });

app.serviceBusQueue(FUNCTION_NAMES.processOrder, {
  connection: SERVICE_BUS_CONNECTION,
  // A binding expression: the host reads the queue name from the app setting.
  queueName: `%${AppSetting.queueName}%`,
  handler: createProcessOrderHandler({ ordersTable: clients.ordersTable, acceptedOrders: clients.acceptedOrdersTable }),
});

const scanDeadLetters = createDeadLetterScanHandler({
  deadLetters: clients.deadLetters,
  ordersTable: clients.ordersTable,
  acceptedOrders: clients.acceptedOrdersTable,
  watermarks: clients.watermarkTable,
});

app.timer(FUNCTION_NAMES.scanDeadLetters, {
  schedule: DEAD_LETTER_SCAN_SCHEDULE,
  runOnStartup: false,
  handler: async (timer, context) => {
    await scanDeadLetters(timer, context);
  },
});

app.http(FUNCTION_NAMES.health, {
  route: ROUTES.health,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: createHealthHandler(env, REQUIRED_SETTINGS.orderProcessor),
});

app.hook.appStart(async () => {
  console.log(`order processor start: token warm-up ${await clients.warmUp()}`);
});

app.hook.appTerminate(async () => {
  console.log(`order processor terminate: ${await clients.close()}`);
});
