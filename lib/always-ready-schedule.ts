import { LogicAppActionCustom } from '@cdktf/provider-azurerm/lib/logic-app-action-custom';
import { LogicAppTriggerRecurrence } from '@cdktf/provider-azurerm/lib/logic-app-trigger-recurrence';
import { LogicAppWorkflow } from '@cdktf/provider-azurerm/lib/logic-app-workflow';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { Construct } from 'constructs';

/** One sale window as the schedule applies it: instants in UTC, and the always-ready count held between them. */
export interface ScheduledMinimum {
  readonly name: string;
  /** `YYYY-MM-DDTHH:mm:ssZ`: the window's wall-clock start in its time zone, as an instant. */
  readonly start: string;
  readonly end: string;
  readonly alwaysReady: number;
}

export interface AlwaysReadyScheduleProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** The Elastic Premium function app whose always-ready count the schedule sets. */
  readonly appId: string;
  /** Its always-ready count outside every window. */
  readonly everyday: number;
  readonly windows: readonly ScheduledMinimum[];
  readonly tags: Record<string, string>;
}

/** How often the schedule looks: a window's minimum holds at most this long after its start. */
export const SCHEDULE_INTERVAL_MINUTES = 5;
/** The Resource Manager API version of the site configuration GET and PATCH. */
export const WEB_API_VERSION = '2024-04-01';

/**
 * Raises an Elastic Premium app's always-ready count (`minimumElasticInstanceCount`) for each sale
 * window and lowers it afterwards, with no manual step: Azure Monitor autoscale has no documented
 * support for Elastic Premium, whose scale controller keeps the always-ready instances and adds more
 * from the app's own load.
 *
 * A Logic App (Consumption) runs every few minutes and sets the count the calendar asks for now: the
 * largest minimum of the windows that hold, else the everyday count. It reconciles rather than acts
 * once per boundary, so a run that fails (ARM busy) is made good by the next, and a changed calendar
 * or everyday count reaches Azure through its parameters. Its identity holds Website Contributor on
 * that one app only. The app ignores later changes of `elastic_instance_minimum` (the schedule owns
 * it), so `cdktf diff` stays empty during and after a window.
 */
export class AlwaysReadySchedule extends Construct {
  readonly workflow: LogicAppWorkflow;
  readonly grant: RoleAssignment;

  constructor(scope: Construct, id: string, props: AlwaysReadyScheduleProps) {
    super(scope, id);

    this.workflow = new LogicAppWorkflow(this, 'workflow', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      identity: { type: 'SystemAssigned' },
      // azurerm reads these back as compact JSON with sorted keys: written in that form, they never diff.
      workflowParameters: {
        windows: canonicalJson({ type: 'Array' }),
        everyday: canonicalJson({ type: 'Int' }),
      },
      parameters: {
        windows: canonicalJson(props.windows.map((w) => ({ ...w }))),
        everyday: String(props.everyday),
      },
      tags: props.tags,
    });

    // PATCH .../config/web is Microsoft.Web/sites/config/write: Website Contributor is the narrowest
    // built-in role that has it, here on the one app.
    this.grant = new RoleAssignment(this, 'can-set-always-ready', {
      scope: props.appId,
      roleDefinitionName: 'Website Contributor',
      principalId: this.workflow.identity.principalId,
      principalType: 'ServicePrincipal',
      description: "Sets the app's always-ready count for sale windows (orders pipeline)",
    });
    // The first runs would meet 403s while the grant propagates (and page on-call): start after it.
    const grantApplied = new Sleep(this, 'wait-for-grant', { createDuration: '120s', triggers: { role_assignment_id: this.grant.id } });

    // Each action is its own resource; azurerm merges them into the workflow definition. The body is
    // compared as JSON (key order and spacing do not matter), so it is written as Azure returns it.
    let previous: LogicAppActionCustom | undefined;
    for (const [name, action] of Object.entries(scheduleActions(props.appId))) {
      previous = new LogicAppActionCustom(this, name, {
        name,
        logicAppId: this.workflow.id,
        body: JSON.stringify(action),
        dependsOn: previous ? [previous] : undefined,
      });
    }

    new LogicAppTriggerRecurrence(this, 'every-few-minutes', {
      name: 'every-few-minutes',
      logicAppId: this.workflow.id,
      frequency: 'Minute',
      interval: SCHEDULE_INTERVAL_MINUTES,
      dependsOn: [grantApplied, previous!],
    });
  }
}

/**
 * The workflow's actions, in run order: the windows that hold now, their counts, the count to hold
 * (the largest of those and the everyday one), the app's current count, and a PATCH only when the
 * two differ (a run that changes nothing touches nothing).
 */
export function scheduleActions(appId: string) {
  const configUri = `https://management.azure.com${appId}/config/web?api-version=${WEB_API_VERSION}`;
  const authentication = { type: 'ManagedServiceIdentity', audience: 'https://management.azure.com/' };
  return {
    'active-windows': {
      type: 'Query',
      // start <= now < end, compared as ticks (instants), not as strings.
      inputs: {
        from: "@parameters('windows')",
        where: "@and(greaterOrEquals(ticks(utcNow()), ticks(item()['start'])), less(ticks(utcNow()), ticks(item()['end'])))",
      },
      runAfter: {},
    },
    'window-minimums': {
      type: 'Select',
      inputs: { from: "@body('active-windows')", select: "@item()['alwaysReady']" },
      runAfter: { 'active-windows': ['Succeeded'] },
    },
    desired: {
      type: 'Compose',
      inputs: "@max(union(createArray(parameters('everyday')), body('window-minimums')))",
      runAfter: { 'window-minimums': ['Succeeded'] },
    },
    current: {
      type: 'Http',
      inputs: { method: 'GET', uri: configUri, authentication },
      runAfter: { desired: ['Succeeded'] },
    },
    'set-if-different': {
      type: 'If',
      expression: {
        and: [{ not: { equals: ["@body('current')?['properties']?['minimumElasticInstanceCount']", "@outputs('desired')"] } }],
      },
      actions: {
        'set-always-ready': {
          type: 'Http',
          inputs: {
            method: 'PATCH',
            uri: configUri,
            body: { properties: { minimumElasticInstanceCount: "@outputs('desired')" } },
            authentication,
          },
          runAfter: {},
        },
      },
      runAfter: { current: ['Succeeded'] },
    },
  };
}

/**
 * The always-ready count the schedule sets at `instant`: what the workflow computes, in TypeScript,
 * for the tests and the surge simulation.
 */
export function alwaysReadyAt(everyday: number, windows: readonly ScheduledMinimum[], instant: number): number {
  const holding = windows.filter((w) => Date.parse(w.start) <= instant && instant < Date.parse(w.end)).map((w) => w.alwaysReady);
  return Math.max(everyday, ...holding);
}

/** JSON as Go's encoder writes it when azurerm reads a value back: compact, object keys sorted. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
