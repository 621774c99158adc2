import { ApplicationInsightsWorkbook } from '@cdktf/provider-azurerm/lib/application-insights-workbook';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { METRIC_CATALOG, WORKBOOK_AGGREGATION, type MetricAggregation, type MetricResourceType } from './monitoring-catalog';
import * as queries from './operations-queries';

/** One app as the workbook shows it. */
export interface WorkbookApp {
  readonly title: string;
  readonly appId: string;
  /** The Monitor autoscale setting of its plan (Dedicated plans); undefined on Elastic Premium. */
  readonly autoscaleSettingId?: string;
}

export interface OperationsWorkbookProps {
  /** A lower-case GUID, the same on every synth (naming.ts). */
  readonly name: string;
  readonly displayName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** Application Insights: the workbook is listed under it (source_id), its web test results are charted. */
  readonly appInsightsId: string;
  /** The Log Analytics workspace the queries run against (workspace-based Application Insights). */
  readonly workspaceId: string;
  readonly namespaceId: string;
  readonly queueName: string;
  readonly api: WorkbookApp;
  readonly processor: WorkbookApp;
  /** Must not hold `hidden-title` (azurerm refuses it; Azure adds it itself). */
  readonly tags: Record<string, string>;
}

/** The time-range parameter every item reads, and its default. */
export const TIME_RANGE_PARAMETER = 'TimeRange';
export const ORDER_ID_PARAMETER = 'OrderId';
const FOUR_HOURS_MS = 4 * 3_600_000;
const WORKSPACE = 'microsoft.operationalinsights/workspaces';

/**
 * The Black Friday workbook (Azure Monitor workbook, azurerm_application_insights_workbook): the
 * queue's backlog and dead letters, orders in and completed per minute, instances per app, end-to-end
 * latency (accepted to processed), the HTTP status mix and 5xx, scale actions, and "where is order
 * X", one page. Metrics come from Azure Monitor, the rest from the Application Insights tables in the
 * workspace; every name comes from monitoring-catalog.ts.
 *
 * azurerm 4.55: `name` must be a lower-case GUID; `source_id` must have no upper-case letter (Azure
 * lower-cases it; resource ids carry capitals, hence `lower()`); a `hidden-title` tag is refused
 * (Azure adds one, the provider drops it on read); `data_json` diffs as JSON, so key order and
 * whitespace do not matter, content does: the JSON is built the same way on every synth.
 */
export class OperationsWorkbook extends Construct {
  readonly workbook: ApplicationInsightsWorkbook;
  /** The workbook's content, as `data_json` holds it (tests read it). */
  readonly content: WorkbookContent;

  constructor(scope: Construct, id: string, props: OperationsWorkbookProps) {
    super(scope, id);
    this.content = workbookContent(props);
    this.workbook = new ApplicationInsightsWorkbook(this, 'workbook', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      displayName: props.displayName,
      description:
        'Black Friday operations of the order pipeline: backlog, rates, instances, latency, errors, scale, and where an order is.',
      category: 'workbook',
      sourceId: Fn.lower(props.appInsightsId),
      dataJson: JSON.stringify(this.content),
      tags: props.tags,
    });
  }
}

export interface WorkbookContent {
  readonly version: 'Notebook/1.0';
  readonly items: readonly WorkbookItem[];
  readonly fallbackResourceIds: readonly string[];
}

export type WorkbookItem = { readonly type: number; readonly name: string; readonly content: Record<string, unknown> };

function workbookContent(props: OperationsWorkbookProps): WorkbookContent {
  const apps = [props.api, props.processor];
  const ourQueue = [{ key: 'EntityName', operator: 0, values: [props.queueName] }];
  const dedicated = apps.filter((app) => app.autoscaleSettingId !== undefined);
  const elastic = apps.filter((app) => app.autoscaleSettingId === undefined);
  const items: WorkbookItem[] = [
    markdown(
      'title',
      `# Orders: Black Friday operations\n` +
        `Queue \`${props.queueName}\`, apps **${props.api.title}** and **${props.processor.title}**. Metrics are one to three minutes behind; ` +
        `log queries a few minutes. An order's own status is always \`GET /api/orders/{id}\`.`,
    ),
    parameters(),
    metrics(
      'backlog',
      'Queue backlog (active) and dead letters',
      'microsoft.servicebus/namespaces',
      [props.namespaceId],
      [
        ['ActiveMessages', 'Average'],
        ['ActiveMessages', 'Maximum'],
        ['DeadletteredMessages', 'Maximum'],
      ],
      ourQueue,
    ),
    metrics(
      'queue-rates',
      'Messages in and completed per minute (Service Bus)',
      'microsoft.servicebus/namespaces',
      [props.namespaceId],
      [
        ['IncomingMessages', 'Total'],
        ['CompleteMessage', 'Total'],
      ],
      ourQueue,
    ),
    logs('order-rates', 'Orders accepted (202) and processed per minute', queries.ordersPerMinute(), 'timechart', props.workspaceId),
    logs(
      'instances',
      'Instances per app (distinct instances sending telemetry, per minute)',
      queries.instancesPerApp(),
      'timechart',
      props.workspaceId,
    ),
    logs(
      'latency',
      'End-to-end latency, accepted to processed (ms): p50, p95, p99 per 5 minutes',
      queries.endToEndLatency(),
      'timechart',
      props.workspaceId,
    ),
    logs('status-mix', 'HTTP status codes of the order API per minute', queries.httpStatusMix(), 'timechart', props.workspaceId),
    metrics(
      'http-errors',
      `HTTP 2xx, 4xx and 5xx of the ${props.api.title} (platform metrics)`,
      'microsoft.web/sites',
      [props.api.appId],
      [
        ['Http2xx', 'Total'],
        ['Http4xx', 'Total'],
        ['Http5xx', 'Total'],
      ],
    ),
    metrics(
      'availability',
      'Availability of /api/health (standard web test)',
      'microsoft.insights/components',
      [props.appInsightsId],
      [['availabilityResults/availabilityPercentage', 'Average']],
    ),
  ];
  if (dedicated.length > 0) {
    items.push(
      metrics(
        'scale-actions',
        `Scale actions and instance count (Monitor autoscale: ${dedicated.map((a) => a.title).join(', ')})`,
        'microsoft.insights/autoscalesettings',
        dedicated.map((a) => a.autoscaleSettingId!),
        [
          ['ObservedCapacity', 'Average'],
          ['ScaleActionsInitiated', 'Total'],
        ],
      ),
    );
  }
  if (elastic.length > 0) {
    items.push(
      markdown(
        'scale-elastic',
        `**${elastic.map((a) => a.title).join(', ')}: Elastic Premium.** The Functions scale controller scales ` +
          `${elastic.length > 1 ? 'these apps' : 'this app'}; Azure Monitor has no scale-action or instance-count metric for it. ` +
          `The instances chart above shows what it did.`,
      ),
    );
  }
  items.push(
    markdown(
      'where-is-order',
      `## Where is order X?\nEnter an order id above. The rows are the whole trace of every operation that names the order: the POST, the processing, the status polls.`,
    ),
    logs('order-trace', 'The trace of the order', queries.whereIsOrder(), 'table', props.workspaceId, {
      conditionalOnParameter: ORDER_ID_PARAMETER,
    }),
  );
  return { version: 'Notebook/1.0', items, fallbackResourceIds: [props.appInsightsId] };
}

function markdown(name: string, text: string): WorkbookItem {
  return { type: 1, name, content: { json: text } };
}

function parameters(): WorkbookItem {
  return {
    type: 9,
    name: 'parameters',
    content: {
      version: 'KqlParameterItem/1.0',
      style: 'pills',
      queryType: 0,
      resourceType: WORKSPACE,
      parameters: [
        {
          id: 'a7f3c1e2-0d4b-4f5a-9c6e-1b2d3e4f5a60',
          version: 'KqlParameterItem/1.0',
          name: TIME_RANGE_PARAMETER,
          label: 'Time range',
          type: 4,
          isRequired: true,
          value: { durationMs: FOUR_HOURS_MS },
          typeSettings: {
            selectableValues: [900_000, 3_600_000, FOUR_HOURS_MS, 43_200_000, 86_400_000].map((durationMs) => ({ durationMs })),
          },
        },
        {
          id: 'b8e4d2f3-1e5c-4a6b-8d7f-2c3e4f5a6b71',
          version: 'KqlParameterItem/1.0',
          name: ORDER_ID_PARAMETER,
          label: 'Order id',
          type: 1,
          isRequired: false,
          description: 'The orderId from the 202 (a UUID)',
        },
      ],
    },
  };
}

function metrics(
  name: string,
  title: string,
  resourceType: MetricResourceType,
  resourceIds: readonly string[],
  series: ReadonlyArray<readonly [string, MetricAggregation]>,
  filters: ReadonlyArray<{ key: string; operator: number; values: string[] }> = [],
): WorkbookItem {
  return {
    type: 10,
    name,
    content: {
      version: 'MetricsItem/2.0',
      title,
      size: 0,
      chartType: 2,
      resourceType,
      metricScope: 0,
      resourceIds,
      timeContextFromParameter: TIME_RANGE_PARAMETER,
      timeContext: { durationMs: FOUR_HOURS_MS },
      metrics: series.map(([metric, aggregation]) => {
        if (!(metric in METRIC_CATALOG[resourceType].metrics))
          throw new Error(`${resourceType} has no metric ${metric} (lib/monitoring-catalog.ts)`);
        return {
          namespace: resourceType,
          metric: `${resourceType}--${metric}`,
          aggregation: WORKBOOK_AGGREGATION[aggregation],
          splitBy: null,
        };
      }),
      ...(filters.length > 0 ? { filters } : {}),
    },
  };
}

function logs(
  name: string,
  title: string,
  query: string,
  visualization: 'timechart' | 'table',
  workspaceId: string,
  options: { conditionalOnParameter?: string } = {},
): WorkbookItem {
  return {
    type: 3,
    name,
    content: {
      version: 'KqlItem/1.0',
      title,
      query,
      size: 0,
      queryType: 0,
      resourceType: WORKSPACE,
      crossComponentResources: [workspaceId],
      timeContextFromParameter: TIME_RANGE_PARAMETER,
      visualization,
    },
    ...(options.conditionalOnParameter
      ? { conditionalVisibility: { parameterName: options.conditionalOnParameter, comparison: 'isNotEqualTo', value: '' } }
      : {}),
  };
}
