import { app } from '@azure/functions';
import { SERVICE_BUS_CONNECTION, AppSetting } from './app-settings';
import { createAppClients } from './azure/app-clients';
import { createGetOrderStatusHandler } from './http/get-order-status';
import { createHealthHandler } from './http/health';
import { createSubmitOrderHandler } from './http/submit-order';
import { createProcessOrderHandler } from './queue/process-order';
import { FUNCTION_NAMES, ORDER_API_AUTH_LEVEL, ROUTES } from './registrations';
import { sendTimeoutMs } from './settings';

/**
 * The entry point the Node.js worker loads (package.json `main` -> dist/main.cjs).
 * It only wires real dependencies into the handlers and registers every function, synchronously,
 * while the module loads: a registration after start-up throws (trap 1.3). Nothing here reads a
 * setting or creates a client; that happens on first use (trap 1.4).
 */

const env = process.env;
const clients = createAppClients(env);

app.http(FUNCTION_NAMES.submitOrder, {
  route: ROUTES.orders,
  methods: ['POST'],
  authLevel: ORDER_API_AUTH_LEVEL,
  handler: createSubmitOrderHandler({ sender: clients.orderSender, acceptedOrders: clients.acceptedOrdersTable, sendTimeoutMs: () => sendTimeoutMs(env) }),
});

app.http(FUNCTION_NAMES.getOrderStatus, {
  route: ROUTES.orderStatus,
  methods: ['GET'],
  authLevel: ORDER_API_AUTH_LEVEL,
  handler: createGetOrderStatusHandler({ ordersTable: clients.ordersTable }),
});

app.http(FUNCTION_NAMES.health, {
  route: ROUTES.health,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: createHealthHandler(env),
});

app.serviceBusQueue(FUNCTION_NAMES.processOrder, {
  connection: SERVICE_BUS_CONNECTION,
  // A binding expression: the host reads the queue name from the app setting.
  queueName: `%${AppSetting.queueName}%`,
  handler: createProcessOrderHandler({ ordersTable: clients.ordersTable, acceptedOrders: clients.acceptedOrdersTable }),
});

app.hook.appStart(async () => {
  console.log(`orders app start: token warm-up ${await clients.warmUp()}`);
});

app.hook.appTerminate(async () => {
  console.log(`orders app terminate: ${await clients.close()}`);
});
