import { Testing, TerraformStack } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import {
  alwaysReadyAt,
  AlwaysReadySchedule,
  canonicalJson,
  SCHEDULE_INTERVAL_MINUTES,
  type ScheduledMinimum,
} from '../../lib/always-ready-schedule';
import { runWorkflow } from '../helpers/logic-app-run';
import { resourceAt, resourcesOf, type TerraformJson } from '../helpers/synth';

/** The sale-window schedule of an Elastic Premium app, built on a bare stack and run as Logic Apps would run it. */

const APP_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-x/providers/Microsoft.Web/sites/func-x';
const WINDOWS: ScheduledMinimum[] = [
  { name: 'black-friday', start: '2026-11-27T03:00:00Z', end: '2026-11-28T01:00:00Z', alwaysReady: 6 },
  { name: 'late-push', start: '2026-11-27T18:00:00Z', end: '2026-11-27T20:00:00Z', alwaysReady: 9 },
];

function synth(windows = WINDOWS, everyday = 3): TerraformJson {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  new AlwaysReadySchedule(stack, 'schedule', {
    name: 'logic-x',
    resourceGroupName: 'rg',
    location: 'westeurope',
    appId: APP_ID,
    everyday,
    windows,
    tags: {},
  });
  return JSON.parse(JSON.stringify(stack.toTerraform()));
}

/** The workflow's actions and typed parameters, read from the JSON as Azure gets them. */
function declared(tf: TerraformJson) {
  const workflow = resourceAt(tf, 'azurerm_logic_app_workflow', 'schedule/workflow');
  const types = Object.fromEntries(
    Object.entries(workflow.workflow_parameters as Record<string, string>).map(([k, v]) => [k, JSON.parse(v).type]),
  );
  const parameters = Object.fromEntries(
    Object.entries(workflow.parameters as Record<string, string>).map(([k, v]) => [
      k,
      types[k] === 'Int' || types[k] === 'Array' ? JSON.parse(v) : v,
    ]),
  );
  const actions = Object.fromEntries(
    Object.values(resourcesOf(tf, 'azurerm_logic_app_action_custom')).map((a) => [a.name, JSON.parse(a.body)]),
  );
  return { workflow, parameters, actions };
}

/** One run at `now` against an app whose current always-ready count is `current`. */
function runAt(now: string, current: number, tf = synth()) {
  const { parameters, actions } = declared(tf);
  return runWorkflow(actions, {
    now: new Date(now),
    parameters,
    http: (request) =>
      request.method === 'GET'
        ? { status: 200, body: { properties: { minimumElasticInstanceCount: current } } }
        : { status: 200, body: {} },
  });
}

describe('what the workflow sets, run as Logic Apps runs it', () => {
  test.each([
    ['before every window: the everyday count', '2026-11-27T02:59:59Z', 3],
    ['at the start of a window: its count (start is inclusive)', '2026-11-27T03:00:00Z', 6],
    ['inside two windows: the larger count', '2026-11-27T19:00:00Z', 9],
    ['at the end of a window: back to the everyday count (end is exclusive)', '2026-11-28T01:00:00Z', 3],
  ])('%s', (_, now, expected) => {
    const run = runAt(now, 1);
    expect(run.outputs.desired).toBe(expected);
    expect(alwaysReadyAt(3, WINDOWS, Date.parse(now))).toBe(expected);
    const patch = run.requests.find((r) => r.method === 'PATCH');
    expect(patch).toEqual({
      method: 'PATCH',
      uri: `https://management.azure.com${APP_ID}/config/web?api-version=2024-04-01`,
      body: { properties: { minimumElasticInstanceCount: expected } },
      authentication: expect.anything(),
    });
  });

  test('a run that would change nothing sends no PATCH (only the GET)', () => {
    const run = runAt('2026-11-27T04:00:00Z', 6);
    expect(run.requests.map((r) => r.method)).toEqual(['GET']);
  });

  test('with no window declared, the everyday count', () => {
    expect(runAt('2026-11-27T04:00:00Z', 1, synth([], 2)).outputs.desired).toBe(2);
  });

  test('every call to Resource Manager authenticates as the workflow identity, for the Resource Manager audience', () => {
    for (const r of runAt('2026-11-27T04:00:00Z', 1).requests as any[])
      expect(r.authentication).toEqual({ type: 'ManagedServiceIdentity', audience: 'https://management.azure.com/' });
  });
});

describe('what the stack declares', () => {
  const tf = synth();

  test('parameters in the compact, sorted form azurerm reads back (no perpetual diff)', () => {
    const { workflow } = declared(tf);
    for (const value of [...Object.values(workflow.workflow_parameters), workflow.parameters.windows] as string[]) {
      expect(canonicalJson(JSON.parse(value))).toBe(value);
    }
    expect(workflow.parameters.everyday).toBe('3');
    expect(Object.keys(workflow.parameters).sort()).toEqual(Object.keys(workflow.workflow_parameters).sort());
  });

  test('a system-assigned identity with Website Contributor on that one app', () => {
    const grant = resourceAt(tf, 'azurerm_role_assignment', 'schedule/can-set-always-ready');
    expect(grant).toMatchObject({ scope: APP_ID, role_definition_name: 'Website Contributor', principal_type: 'ServicePrincipal' });
    expect(grant.principal_id).toMatch(/identity\[0\]\.principal_id\}$/);
    expect(resourceAt(tf, 'azurerm_logic_app_workflow', 'schedule/workflow').identity).toEqual({ type: 'SystemAssigned' });
  });

  test('the recurrence starts only after the grant has had time to apply and every action exists', () => {
    const trigger = resourceAt(tf, 'azurerm_logic_app_trigger_recurrence', 'schedule/every-few-minutes');
    expect(trigger).toMatchObject({ frequency: 'Minute', interval: SCHEDULE_INTERVAL_MINUTES });
    // No start_time: with RFC 3339 its "Z" would override any time zone (Logic Apps reads it as UTC).
    expect(trigger.start_time).toBeUndefined();
    expect(trigger.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^time_sleep\./), expect.stringMatching(/^azurerm_logic_app_action_custom\./)]),
    );
    const sleep = resourceAt(tf, 'time_sleep', 'schedule/wait-for-grant');
    expect(Number(/^(\d+)s$/.exec(sleep.create_duration)?.[1])).toBeGreaterThanOrEqual(60);
  });

  test('each action is created after the one it runs after (azurerm adds them to the definition one by one)', () => {
    const actions = Object.entries(resourcesOf(tf, 'azurerm_logic_app_action_custom'));
    const keyOf = Object.fromEntries(actions.map(([key, a]) => [a.name, key]));
    for (const [, a] of actions) {
      const after = Object.keys(JSON.parse(a.body).runAfter);
      // Azure writes runAfter back on every action, an empty one included: declared, it never diffs.
      expect(JSON.parse(a.body).runAfter).toBeDefined();
      for (const name of after) expect(a.depends_on).toContain(`azurerm_logic_app_action_custom.${keyOf[name]}`);
    }
  });
});
