import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { AppIdentity, type AppGrant } from '../../lib/app-identity';
import { synthBare, WHERE } from '../helpers/bare-stack';
import { onlyResource, refTo, resourceAt, resourcesOf } from '../helpers/synth';

/** An app's identity and its grants, built alone. */

const QUEUE =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.ServiceBus/namespaces/sb/queues/orders';
const TABLE =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/st/tableServices/default/tables/orders';

function synth(propagationWait?: string) {
  return synthBare((stack) => {
    const tableDeployment = new Sleep(stack, 'table-deployment', { createDuration: '1s' });
    const grants: AppGrant[] = [
      { id: 'send-orders', role: 'Azure Service Bus Data Sender', scope: QUEUE, reason: 'Sends orders' },
      { id: 'read-orders', role: 'Storage Table Data Reader', scope: TABLE, reason: 'Reads orders', dependsOn: [tableDeployment] },
    ];
    new AppIdentity(stack, 'api-identity', { ...WHERE, name: 'id-test-api', grants, propagationWait });
  }).tf;
}

const tf = synth();

test('one user-assigned identity, named and placed as given', () => {
  expect(onlyResource(tf, 'azurerm_user_assigned_identity')).toMatchObject({
    name: 'id-test-api',
    resource_group_name: WHERE.resourceGroupName,
    location: WHERE.location,
    tags: WHERE.tags,
  });
});

test('each grant is one role assignment to that identity as a service principal, at exactly its scope, its reason as the description', () => {
  const principal = refTo(tf, 'azurerm_user_assigned_identity', 'api-identity/identity', 'principal_id');
  expect(
    Object.values(resourcesOf(tf, 'azurerm_role_assignment')).map((r) => [
      r.role_definition_name,
      r.scope,
      r.principal_id,
      r.principal_type,
      r.description,
    ]),
  ).toEqual([
    ['Azure Service Bus Data Sender', QUEUE, principal, 'ServicePrincipal', 'Sends orders'],
    ['Storage Table Data Reader', TABLE, principal, 'ServicePrincipal', 'Reads orders'],
  ]);
});

test('a grant waits for what its scope needs to exist; one without dependsOn has none', () => {
  expect(resourceAt(tf, 'azurerm_role_assignment', 'api-identity/read-orders').depends_on).toEqual([
    expect.stringMatching(/^time_sleep\./),
  ]);
  expect(resourceAt(tf, 'azurerm_role_assignment', 'api-identity/send-orders').depends_on).toBeUndefined();
});

test('what uses the identity waits 120 s after the grants by default, and again when a grant is replaced', () => {
  const wait = resourceAt(tf, 'time_sleep', 'api-identity/wait-for-grants');
  expect(wait).toEqual(
    expect.objectContaining({
      create_duration: '120s',
      triggers: {
        'send-orders': refTo(tf, 'azurerm_role_assignment', 'api-identity/send-orders', 'id'),
        'read-orders': refTo(tf, 'azurerm_role_assignment', 'api-identity/read-orders', 'id'),
      },
    }),
  );
  expect(resourceAt(synth('30s'), 'time_sleep', 'api-identity/wait-for-grants').create_duration).toBe('30s');
});
