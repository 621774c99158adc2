import { Testing } from 'cdktf';
import { APP_ROLES, APPS, type AppRole } from '../../functions/apps';
import { buildFunctionBundle, esbuildOptions, type FunctionBundle } from '../../lib/bundle/function-bundle';
import { environments } from '../../lib/config/environments';
import { APP_CONSTRUCT_IDS, OrdersStack } from '../../lib/orders-stack';
import { loadRegistrations, triggerOf, type Registration } from '../../scripts/harness/functions-host';
import { onlyResource, PROJECT_ROOT, refTo, resourceAt, type TerraformJson } from '../helpers/synth';

/**
 * The two halves must meet: what each BUILT package registers with the Functions host (as the worker
 * sees it) against what the synthesized stack deploys to that app. A renamed setting, queue or route
 * on either side fails here, not in production.
 */

const bundles = {} as Record<AppRole, FunctionBundle>;
const registrations = {} as Record<AppRole, Registration[]>;
beforeAll(async () => {
  for (const role of APP_ROLES) {
    bundles[role] = buildFunctionBundle({ projectRoot: PROJECT_ROOT, entry: APPS[role].entry });
    registrations[role] = await loadRegistrations(bundles[role].zipPath);
  }
});

const triggers = (role: AppRole, type: string) => {
  const found = registrations[role].map(triggerOf).filter((t) => t.type === type);
  if (found.length === 0) throw new Error(`the ${role} package registers no ${type}`);
  return found;
};

describe.each(environments.map((e) => [e.name, e] as const))('orders-%s', (_, environment) => {
  let tf: TerraformJson;
  const appOf = (role: AppRole) => resourceAt(tf, 'azurerm_linux_function_app', `${APP_CONSTRUCT_IDS[role]}/app`);
  beforeAll(() => {
    const stack = new OrdersStack(Testing.app(), { environment, projectRoot: PROJECT_ROOT });
    tf = JSON.parse(JSON.stringify(stack.toTerraform()));
  });

  test('the queue trigger listens on the queue the stack declares, through an app setting the stack writes to the processor', () => {
    const [consumer] = triggers('orderProcessor', 'serviceBusTrigger');
    const setting = /^%(.+)%$/.exec(String(consumer.queueName))?.[1];
    expect(setting).toBeDefined();
    expect(appOf('orderProcessor').app_settings[setting!]).toBe(refTo(tf, 'azurerm_servicebus_queue', 'messaging/queue', 'name'));
    expect(onlyResource(tf, 'azurerm_servicebus_queue').name).toBe(environment.queue.name);
  });

  test("the trigger connection resolves to the namespace with the processor's identity", () => {
    const [consumer] = triggers('orderProcessor', 'serviceBusTrigger');
    const connection = String(consumer.connection);
    const app = appOf('orderProcessor');
    const namespace = onlyResource(tf, 'azurerm_servicebus_namespace');
    expect(app.app_settings[`${connection}__fullyQualifiedNamespace`]).toBe(`${namespace.name}.servicebus.windows.net`);
    expect(app.app_settings[`${connection}__credential`]).toBe('managedidentity');
    expect(app.app_settings[`${connection}__clientId`]).toBe(
      refTo(tf, 'azurerm_user_assigned_identity', 'order-processor-identity/identity', 'client_id'),
    );
  });

  test('the API package registers no queue trigger (the API never receives)', () => {
    expect(registrations.orderApi.map(triggerOf).filter((t) => t.type === 'serviceBusTrigger')).toEqual([]);
  });

  test.each(APP_ROLES)("App Service's health check of the %s calls an anonymous function of its own package", (role) => {
    const healthPath = appOf(role).site_config.health_check_path;
    const health = triggers(role, 'httpTrigger').find((t) => `/api/${t.route}` === healthPath);
    expect(health).toMatchObject({ authLevel: 'anonymous', methods: ['GET'] });
  });

  test.each(APP_ROLES)('the %s package targets the Node.js version its app runs', (role) => {
    const nodeVersion = appOf(role).site_config.application_stack.node_version;
    expect(nodeVersion).toMatch(/^\d+$/);
    expect(esbuildOptions({ projectRoot: PROJECT_ROOT, entry: APPS[role].entry }).target).toBe(`node${nodeVersion}`);
  });

  test.each(APP_ROLES)('the stack deploys exactly the %s package to that app', (role) => {
    const blob = resourceAt(tf, 'azurerm_storage_blob', `${APP_CONSTRUCT_IDS[role]}-package/blob`);
    expect(blob.name).toBe(`functions-${bundles[role].sha256}.zip`);
    expect(blob.content_md5).toBe(bundles[role].md5);
    expect(appOf(role).app_settings.WEBSITE_RUN_FROM_PACKAGE).toBe(
      refTo(tf, 'azurerm_storage_blob', `${APP_CONSTRUCT_IDS[role]}-package/blob`, 'url'),
    );
  });
});
