/**
 * What Azure Monitor and Application Insights offer for the resources of this stack: the metric
 * names, aggregations and dimensions per resource type, and the Log Analytics tables and columns
 * of workspace-based Application Insights. One place: the operations workbook (operations-workbook.ts)
 * builds its queries from these names, and its test checks every metric and every column the
 * workbook names against this list, so a typo fails a test instead of an empty chart on Black Friday.
 *
 * Each entry cites the Microsoft reference it was taken from. A name is added here only from such a
 * reference, never because a query needs it.
 */

export type MetricAggregation = 'Average' | 'Minimum' | 'Maximum' | 'Total' | 'Count';

export interface MetricDefinition {
  readonly aggregations: readonly MetricAggregation[];
  readonly dimensions: readonly string[];
}

export interface MetricNamespace {
  /** The "Supported metrics" reference page of the resource type. */
  readonly reference: string;
  readonly metrics: Readonly<Record<string, MetricDefinition>>;
}

const gauge = (dimensions: readonly string[] = []): MetricDefinition => ({ aggregations: ['Average', 'Minimum', 'Maximum'], dimensions });
const total = (dimensions: readonly string[] = []): MetricDefinition => ({ aggregations: ['Total'], dimensions });
const average = (dimensions: readonly string[] = []): MetricDefinition => ({ aggregations: ['Average'], dimensions });

/** Resource types in lower case, as workbooks and metric ids write them. */
export const METRIC_CATALOG = {
  'microsoft.servicebus/namespaces': {
    reference: 'https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-servicebus-namespaces-metrics',
    metrics: {
      ActiveMessages: gauge(['EntityName']),
      DeadletteredMessages: gauge(['EntityName']),
      Messages: gauge(['EntityName']),
      ScheduledMessages: gauge(['EntityName']),
      IncomingMessages: total(['EntityName']),
      OutgoingMessages: total(['EntityName']),
      CompleteMessage: total(['EntityName']),
      AbandonMessage: total(['EntityName']),
      IncomingRequests: total(['EntityName']),
      SuccessfulRequests: total(['EntityName', 'OperationResult']),
      ServerErrors: total(['EntityName', 'OperationResult']),
      UserErrors: total(['EntityName', 'OperationResult']),
      ThrottledRequests: total(['EntityName', 'OperationResult', 'MessagingErrorSubCode']),
      ServerSendLatency: average(['EntityName']),
      NamespaceCpuUsage: { aggregations: ['Maximum'], dimensions: ['Replica'] },
      NamespaceMemoryUsage: { aggregations: ['Maximum'], dimensions: ['Replica'] },
    },
  },
  'microsoft.web/sites': {
    reference: 'https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-web-sites-metrics',
    // FunctionExecutionCount and FunctionExecutionUnits are left out on purpose: Microsoft's Functions
    // monitoring reference says they are not supported for Premium and Dedicated plans on Linux.
    metrics: {
      Requests: total(['Instance']),
      Http2xx: total(['Instance']),
      Http3xx: total(['Instance']),
      Http4xx: total(['Instance']),
      Http5xx: total(['Instance']),
      HttpResponseTime: average(['Instance']),
      HealthCheckStatus: average(['Instance']),
      MemoryWorkingSet: average(['Instance']),
    },
  },
  'microsoft.web/serverfarms': {
    reference: 'https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-web-serverfarms-metrics',
    metrics: {
      CpuPercentage: average(['Instance']),
      MemoryPercentage: average(['Instance']),
      HttpQueueLength: average(['Instance']),
    },
  },
  'microsoft.insights/autoscalesettings': {
    reference: 'https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-insights-autoscalesettings-metrics',
    metrics: {
      ObservedCapacity: average(),
      ScaleActionsInitiated: total(['ScaleDirection']),
      ObservedMetricValue: average(['MetricTriggerSource']),
      MetricThreshold: average(['MetricTriggerRule']),
    },
  },
  'microsoft.insights/components': {
    reference: 'https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-insights-components-metrics',
    metrics: {
      'availabilityResults/availabilityPercentage': average(['availabilityResult/name', 'availabilityResult/location']),
      'availabilityResults/count': { aggregations: ['Count'], dimensions: ['availabilityResult/name', 'availabilityResult/location'] },
    },
  },
} as const satisfies Record<string, MetricNamespace>;

export type MetricResourceType = keyof typeof METRIC_CATALOG;

/**
 * The aggregation numbers of a workbook metric item (MetricsItem/2.0), as public workbooks write
 * them (1 Total, 3 Maximum, 4 Average), with Minimum 2 and Count 7 of the same enumeration.
 */
export const WORKBOOK_AGGREGATION: Readonly<Record<MetricAggregation, number>> = { Total: 1, Minimum: 2, Maximum: 3, Average: 4, Count: 7 };

/** Columns every Application Insights table in a workspace has (the common telemetry context). */
const CONTEXT = [
  'TimeGenerated',
  'OperationName',
  'OperationId',
  'ParentId',
  'SyntheticSource',
  'SessionId',
  'UserId',
  'AppVersion',
  'AppRoleName',
  'AppRoleInstance',
  'ClientType',
  'ClientIP',
  'ResourceGUID',
  'SDKVersion',
  'Properties',
  'Measurements',
  'ItemCount',
  'Type',
  '_ResourceId',
] as const;

export interface LogTable {
  readonly reference: string;
  readonly columns: readonly string[];
}

/**
 * The Log Analytics tables of workspace-based Application Insights this stack's workbook reads, with
 * their columns (the names differ from the classic `requests`/`traces` schema: `OperationId`, not
 * `operation_Id`; `AppRoleInstance`, not `cloud_RoleInstance`; `Success` is a bool). KQL is case
 * sensitive. Sources: each table's reference page, and "Migrate to workspace-based Application
 * Insights resources", section "Table structure"
 * (https://learn.microsoft.com/azure/azure-monitor/app/convert-classic-resource#table-structure).
 */
export const LOG_TABLES = {
  AppRequests: {
    reference: 'https://learn.microsoft.com/azure/azure-monitor/reference/tables/apprequests',
    columns: [...CONTEXT, 'Id', 'Name', 'Url', 'Source', 'Success', 'ResultCode', 'DurationMs', 'PerformanceBucket'],
  },
  AppDependencies: {
    reference: 'https://learn.microsoft.com/azure/azure-monitor/reference/tables/appdependencies',
    columns: [...CONTEXT, 'Id', 'Name', 'Target', 'DependencyType', 'Data', 'Success', 'ResultCode', 'DurationMs', 'PerformanceBucket'],
  },
  AppTraces: {
    reference: 'https://learn.microsoft.com/azure/azure-monitor/reference/tables/apptraces',
    columns: [...CONTEXT, 'Message', 'SeverityLevel'],
  },
  AppExceptions: {
    reference: 'https://learn.microsoft.com/azure/azure-monitor/reference/tables/appexceptions',
    columns: [
      ...CONTEXT,
      'ProblemId',
      'ExceptionType',
      'OuterType',
      'OuterMessage',
      'InnermostType',
      'InnermostMessage',
      'SeverityLevel',
      'Details',
    ],
  },
  AppAvailabilityResults: {
    reference: 'https://learn.microsoft.com/azure/azure-monitor/reference/tables/appavailabilityresults',
    columns: [...CONTEXT, 'Id', 'Name', 'Location', 'Success', 'Message', 'DurationMs', 'Size'],
  },
} as const satisfies Record<string, LogTable>;

export type LogTableName = keyof typeof LOG_TABLES;

/**
 * Keys the Functions host writes into `Properties` that the workbook reads: structured log values
 * get the `prop__` prefix (Azure WebJobs SDK ApplicationInsightsLogger), so the Service Bus trigger's
 * "Trigger Details" line carries `prop__MessageId`.
 */
export const HOST_PROPERTY_KEYS = ['prop__MessageId', 'prop__InvocationId', 'HttpMethod', 'HttpPath'] as const;
