import type { AcceptRecordEntity, AcceptedOrdersTable } from '../../functions/store/accepted-orders';
import type { OrderEntity, OrdersTable } from '../../functions/store/order-records';

/** A Tables error as @azure/data-tables throws it: judged by statusCode, like the real RestError. */
export function tableError(statusCode: number, code = 'TableError'): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(`table answered ${statusCode}`), { name: 'RestError', statusCode, code });
}

type Keyed = { readonly partitionKey: string; readonly rowKey: string };
type Operation = 'createEntity' | 'getEntity' | 'updateEntity';

/**
 * An in-memory double of one Azure table at the SDK boundary: inserts fail with 409 on an existing
 * key, reads with 404 on a missing one, merges with 412 on a stale ETag, like Azure Table storage;
 * an update mode other than Merge or Replace is refused, like @azure/data-tables refuses it.
 * `failNext` makes the next calls of one operation throw; `signals` keeps the abort signal of each call.
 */
export class FakeTable<Entity extends Keyed> {
  readonly entities = new Map<string, Entity & { etag: string }>();
  readonly calls: Operation[] = [];
  readonly signals: Array<AbortSignal | undefined> = [];
  private version = 0;
  private readonly failures: Array<{ operation: Operation; error: unknown }> = [];

  failNext(operation: Operation, ...errors: unknown[]): void {
    for (const error of errors) this.failures.push({ operation, error });
  }

  async createEntity(entity: Entity, options?: { abortSignal?: AbortSignal }): Promise<{ etag?: string }> {
    this.record('createEntity', options);
    const key = this.key(entity.partitionKey, entity.rowKey);
    if (this.entities.has(key)) throw tableError(409, 'EntityAlreadyExists');
    const etag = this.nextEtag();
    this.entities.set(key, { ...entity, etag });
    return { etag };
  }

  async getEntity(partitionKey: string, rowKey: string, options?: { abortSignal?: AbortSignal }): Promise<Entity & { etag: string }> {
    this.record('getEntity', options);
    const found = this.entities.get(this.key(partitionKey, rowKey));
    if (!found) throw tableError(404, 'ResourceNotFound');
    return { ...found };
  }

  async updateEntity(
    update: Keyed & Partial<Entity>,
    mode: 'Merge',
    options: { etag: string; abortSignal?: AbortSignal },
  ): Promise<{ etag?: string }> {
    if ((mode as string) !== 'Merge' && (mode as string) !== 'Replace') throw new Error(`Unexpected value for update mode: ${mode}`);
    this.record('updateEntity', options);
    const key = this.key(update.partitionKey, update.rowKey);
    const current = this.entities.get(key);
    if (!current) throw tableError(404, 'ResourceNotFound');
    // '*' matches any version, as in Azure (an unconditional merge of an entity that exists).
    if (options.etag !== '*' && current.etag !== options.etag) throw tableError(412, 'UpdateConditionNotSatisfied');
    const etag = this.nextEtag();
    this.entities.set(key, { ...current, ...update, etag });
    return { etag };
  }

  private record(operation: Operation, options?: { abortSignal?: AbortSignal }): void {
    this.calls.push(operation);
    this.signals.push(options?.abortSignal);
    const index = this.failures.findIndex((failure) => failure.operation === operation);
    if (index >= 0) throw this.failures.splice(index, 1)[0].error;
  }

  private key(partitionKey: string, rowKey: string): string {
    return `${partitionKey}/${rowKey}`;
  }

  private nextEtag(): string {
    return `W/"datetime'${++this.version}'"`;
  }
}

/** The orders table (the consumer's records). */
export class FakeOrdersTable extends FakeTable<OrderEntity> implements OrdersTable {}

/** The accept-record table (the producer's records). */
export class FakeAcceptedOrdersTable extends FakeTable<AcceptRecordEntity> implements AcceptedOrdersTable {}
