import { app } from '@azure/functions';
import { REQUIRED_SETTINGS } from './app-settings';
import { createAppClients, SERVICE_BUS_SCOPE, STORAGE_SCOPE } from './azure/app-clients';
import { createGetOrderStatusHandler } from './http/get-order-status';
import { createHealthHandler } from './http/health';
import { createOpenApiDocumentHandler } from './http/openapi-document';
import { createSubmitOrderHandler } from './http/submit-order';
import { FUNCTION_NAMES, ORDER_API_AUTH_LEVEL, ROUTES } from './registrations';
import { sendTimeoutMs } from './settings';

/**
 * The entry point of the order API's package (package.json `main` -> dist/main.cjs): it wires real
 * dependencies into the HTTP handlers and registers them, synchronously, while the module loads: a
 * registration after start-up throws (docs/functions-runtime.md, 1.3). Nothing here reads a setting or creates a client;
 * that happens on first use (docs/functions-runtime.md, 1.4).
 */

const env = process.env;
const clients = createAppClients(env, { warmUpScopes: [SERVICE_BUS_SCOPE, STORAGE_SCOPE] });

app.http(FUNCTION_NAMES.submitOrder, {
  route: ROUTES.orders,
  methods: ['POST'],
  authLevel: ORDER_API_AUTH_LEVEL,
  handler: createSubmitOrderHandler({
    sender: clients.orderSender,
    acceptedOrders: clients.acceptedOrdersTable,
    sendTimeoutMs: () => sendTimeoutMs(env),
  }),
});

app.http(FUNCTION_NAMES.getOrderStatus, {
  route: ROUTES.orderStatus,
  methods: ['GET'],
  authLevel: ORDER_API_AUTH_LEVEL,
  handler: createGetOrderStatusHandler({
    ordersTable: clients.ordersTable,
    acceptedOrders: clients.acceptedOrdersTable,
    sendTimeoutMs: () => sendTimeoutMs(env),
  }),
});

app.http(FUNCTION_NAMES.openApiDocument, {
  route: ROUTES.openApi,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: createOpenApiDocumentHandler(),
});

app.http(FUNCTION_NAMES.health, {
  route: ROUTES.health,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: createHealthHandler(env, REQUIRED_SETTINGS.orderApi),
});

app.hook.appStart(async () => {
  console.log(`order API start: token warm-up ${await clients.warmUp()}`);
});

app.hook.appTerminate(async () => {
  console.log(`order API terminate: ${await clients.close()}`);
});
