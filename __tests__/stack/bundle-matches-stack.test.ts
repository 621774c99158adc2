import { Testing } from 'cdktf';
import { buildFunctionBundle, type FunctionBundle } from '../../lib/bundle/function-bundle';
import { environments } from '../../lib/config/environments';
import { OrdersStack } from '../../lib/orders-stack';
import { loadRegistrations, triggerOf, type Registration } from '../helpers/functions-host';
import { onlyResource, PROJECT_ROOT, refTo, type TerraformJson } from '../helpers/synth';

/**
 * The two halves must meet: what the BUILT bundle registers with the Functions host (as the worker
 * sees it) against what the synthesized stack deploys. A renamed setting, queue or route on either
 * side fails here, not in production.
 */

let bundle: FunctionBundle;
let registrations: Registration[];
beforeAll(async () => {
  bundle = buildFunctionBundle({ projectRoot: PROJECT_ROOT });
  registrations = await loadRegistrations(bundle.zipPath);
});

const trigger = (type: string) => {
  const found = registrations.map(triggerOf).filter((t) => t.type === type);
  if (found.length === 0) throw new Error(`the bundle registers no ${type}`);
  return found;
};

describe.each(environments.map((e) => [e.name, e] as const))('orders-%s', (_, environment) => {
  let tf: TerraformJson;
  beforeAll(() => {
    const stack = new OrdersStack(Testing.app(), { environment, projectRoot: PROJECT_ROOT });
    tf = JSON.parse(JSON.stringify(stack.toTerraform()));
  });

  test('the queue trigger listens on the queue the stack declares, through an app setting the stack writes', () => {
    const [consumer] = trigger('serviceBusTrigger');
    const setting = /^%(.+)%$/.exec(String(consumer.queueName))?.[1];
    expect(setting).toBeDefined();
    const app = onlyResource(tf, 'azurerm_linux_function_app');
    expect(app.app_settings[setting!]).toBe(refTo(tf, 'azurerm_servicebus_queue', 'messaging/queue', 'name'));
    expect(onlyResource(tf, 'azurerm_servicebus_queue').name).toBe(environment.queue.name);
  });

  test('the trigger connection resolves to the namespace with the app identity', () => {
    const [consumer] = trigger('serviceBusTrigger');
    const connection = String(consumer.connection);
    const app = onlyResource(tf, 'azurerm_linux_function_app');
    const namespace = onlyResource(tf, 'azurerm_servicebus_namespace');
    expect(app.app_settings[`${connection}__fullyQualifiedNamespace`]).toBe(`${namespace.name}.servicebus.windows.net`);
    expect(app.app_settings[`${connection}__credential`]).toBe('managedidentity');
    expect(app.app_settings[`${connection}__clientId`]).toBe(refTo(tf, 'azurerm_user_assigned_identity', 'app-identity/identity', 'client_id'));
  });

  test("App Service's health check calls an anonymous function of the bundle", () => {
    const healthPath = onlyResource(tf, 'azurerm_linux_function_app').site_config.health_check_path;
    const http = trigger('httpTrigger');
    const health = http.find((t) => `/api/${t.route}` === healthPath);
    expect(health).toMatchObject({ authLevel: 'anonymous', methods: ['GET'] });
  });

  test('the stack deploys exactly this bundle', () => {
    expect(onlyResource(tf, 'azurerm_storage_blob').name).toBe(`functions-${bundle.sha256}.zip`);
    expect(onlyResource(tf, 'azurerm_storage_blob').content_md5).toBe(bundle.md5);
  });
});
