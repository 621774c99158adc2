import type { ModelParameters } from './assumptions';
import type { ScaleDecision } from './autoscale-engine';
import { SecondSamples } from './metrics';
import { planScaler } from './plan-scaler';
import type { StackModel } from './stack-model';
import { EventHeap, IntDeque } from './structures';
import { ORDER_POISON, ORDER_TRANSIENT, type Orders } from './workload';

/**
 * The "after" side: orders go onto the Service Bus queue the moment they arrive (the producer's own
 * work is not modelled), and the queue-triggered consumer on the plan's instances takes them off.
 *
 *  - Each ready instance runs up to `slots` deliveries at once: host.json maxConcurrentCalls, capped
 *    at the concurrency its vCPUs can serve (vCPU / CPU share of a running invocation; that share is
 *    at least the measured CPU per order over the mean processing time [M]). With prefetch 0 a free
 *    slot receives the next message at once. Throughput = slots / processing time (Little's law) [I].
 *  - PeekLock [D]: a failed delivery is abandoned and the message is available again at the front of
 *    the queue with deliveryCount + 1; after max_delivery_count deliveries it is dead-lettered [D].
 *    The host renews locks while an invocation runs (maxAutoLockRenewalDuration), so lock_duration only
 *    matters for messages in flight on an instance that scale-in removes: they return when the lock
 *    expires, deliveryCount + 1 [D, Service Bus "Message transfers, locks and settlement"].
 *  - New instances serve after allocation + host start [I] + package load [M]; they count for scaling
 *    (and billing) from the decision on. Scale-in removes instances still starting first, then the
 *    newest [I].
 *  - Dedicated plan: every simulated second records ActiveMessages and the plan's CPU; Azure Monitor
 *    autoscale runs on them (lib/autoscale.ts's rules, read from the stack). Scale-in takes the
 *    instance away with its running deliveries (their locks expire).
 *  - Elastic Premium: the scale controller reads the queue length (elastic-scaler.ts); scale-in drains
 *    the instance (no new deliveries, the running ones finish) [D]. Billed: every allocated instance,
 *    draining ones until they finish, and the prewarmed buffer [D].
 */

export interface MinuteRow {
  /** Minutes since the span's start. */
  readonly minute: number;
  readonly arrivals: number;
  readonly processed: number;
  readonly deadLettered: number;
  /** Highest ActiveMessages sample in the minute. */
  readonly backlogMax: number;
  /** Instances autoscale has set at the minute's end (starting ones included). */
  readonly instances: number;
  /** Instances serving at the minute's end. */
  readonly readyInstances: number;
  /** Average CPU percentage over the minute. */
  readonly cpuPercent: number;
}

export interface QueueSideResult {
  /** Enqueue to processed, per order; for orders unfinished at the end, their age then (a lower bound); NaN for dead-lettered ones. */
  readonly latencyS: Float32Array;
  readonly processed: number;
  readonly deadLettered: number;
  /** Dead-lettered orders that were not poison (their deliveries ran out, e.g. after lost locks). */
  readonly deadLetteredValid: number;
  /** Orders still queued or in flight when the span ends. */
  readonly unfinished: number;
  /** ActiveMessages per second. */
  readonly activeMessages: Float64Array;
  /** Messages waiting (not locked) per second. */
  readonly waiting: Float64Array;
  readonly minutes: readonly MinuteRow[];
  /** Instance-seconds billed: instances set (starting ones included), plus draining ones and the prewarmed buffer on Elastic Premium. */
  readonly instanceSeconds: number;
  /** vCPUs busy with processing, per second (for the counterfactual of the API sharing these instances). */
  readonly busyVcpu: Float32Array;
  /** Instances serving, per second. */
  readonly ready: Uint16Array;
  readonly decisions: readonly ScaleDecision[];
  readonly holds: ReadonlyArray<{ readonly timeS: number; readonly reason: string }>;
  readonly slotsPerInstance: number;
  /** Service Bus operations: sends, receives (one per delivery) and settlements. */
  readonly operations: { readonly sends: number; readonly receives: number; readonly settlements: number; readonly peakPerSecond: number };
  readonly deliveries: { readonly total: number; readonly redeliveredAfterLockLoss: number };
}

export interface QueueSideInput {
  readonly stack: StackModel;
  readonly model: ModelParameters;
  readonly orders: Orders;
  /** Epoch ms of second 0. */
  readonly originMs: number;
  readonly spanS: number;
  readonly onProgress?: (doneS: number) => void;
}

const NEVER = Number.POSITIVE_INFINITY;
const { min } = Math;

const QUEUED = 0;
const IN_FLIGHT = 1;
const DONE = 2;
const DEAD_LETTERED = 3;
const LOCK_LOST = 4;

const COMPLETION = 0;
const LOCK_EXPIRED = 1;

/**
 * Share of one vCPU a running invocation uses: cpuSharePerInvocation [I], but never less than the
 * worker's measured CPU per order spread over the mean processing time [M] (with the defaults,
 * 1.9 ms / 209 ms = 0.009 < 0.05: the assumption holds; with fast storage the measurement binds).
 */
export function cpuSharePerRunningInvocation(model: ModelParameters, meanProcessingS: number): number {
  const measured = meanProcessingS > 0 ? model.consumer.cpuMsPerOrder / (meanProcessingS * 1000) : 0;
  return Math.max(model.consumer.cpuSharePerInvocation, measured);
}

/** Slots per instance: maxConcurrentCalls, capped at what the vCPUs serve at that CPU share. */
export function slotsPerInstance(stack: StackModel, model: ModelParameters, meanProcessingS = 0): number {
  const cpuBound = Math.floor(stack.apps.orderProcessor.plan.facts.vcpu / cpuSharePerRunningInvocation(model, meanProcessingS));
  return Math.max(1, Math.min(stack.maxConcurrentCalls, cpuBound));
}

function meanOf(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length > 0 ? sum / values.length : 0;
}

export function simulateQueueSide(input: QueueSideInput): QueueSideResult {
  const { stack, model, orders, originMs, spanS } = input;
  const n = orders.count;
  const meanProcessingS = meanOf(orders.processingS);
  const slots = slotsPerInstance(stack, model, meanProcessingS);
  const maxDeliveries = stack.queue.maxDeliveryCount;
  const lockS = stack.queue.lockDurationS;
  const app = stack.apps.orderProcessor;
  const vcpu = app.plan.facts.vcpu;
  const cpuSharePerInvocation = cpuSharePerRunningInvocation(model, meanProcessingS);
  const { idleCpuPercent, poisonDeliveryS, lockedMessagesAreActive } = model.consumer;

  const scaler = planScaler(app, { model, originMs, trigger: 'queue', packageLoadMs: model.instances.packageLoadMs });
  const startupS = scaler.startupS;
  const samples = new SecondSamples(spanS);

  const state = new Uint8Array(n);
  const deliveries = new Uint8Array(n);
  const instanceOf = new Int32Array(n);
  const latencyS = new Float32Array(n).fill(NaN);
  const queue = new IntDeque();
  const events = new EventHeap();

  // Instances: parallel arrays indexed by instance id (ids are never reused).
  const readyAt: number[] = [];
  const removed: boolean[] = [];
  const busy: number[] = [];
  const live: number[] = [];
  const starting: number[] = [];
  let readyCount = 0;
  let freeSlots = new Int32Array(1024);
  let freeTop = 0;
  const pushSlot = (id: number) => {
    if (freeTop === freeSlots.length) {
      const grown = new Int32Array(freeSlots.length * 2);
      grown.set(freeSlots);
      freeSlots = grown;
    }
    freeSlots[freeTop++] = id;
  };
  const takeSlot = (): number => {
    while (freeTop > 0) {
      const id = freeSlots[--freeTop];
      if (!removed[id]) return id;
    }
    return -1;
  };
  const allocate = (at: number, ready: number) => {
    const id = readyAt.length;
    readyAt.push(ready);
    removed.push(false);
    busy.push(0);
    live.push(id);
    if (ready <= at) {
      readyCount++;
      for (let k = 0; k < slots; k++) pushSlot(id);
    } else {
      starting.push(id);
    }
  };
  for (let i = 0; i < scaler.initialInstances; i++) allocate(0, 0);
  /** Drained instances still finishing their deliveries (billed until then). */
  let draining = 0;

  let busyTotal = 0;
  let lockLost = 0;
  let processed = 0;
  let deadLettered = 0;
  let sends = 0;
  let receives = 0;
  let settlements = 0;
  let redeliveredAfterLockLoss = 0;
  let opsThisSecond = 0;
  let peakOps = 0;
  let minuteArrivals = 0;
  let minuteProcessed = 0;
  let minuteDeadLettered = 0;
  let minuteBacklogMax = 0;
  let minuteCpuSum = 0;
  let minuteCpuSamples = 0;

  let deadLetteredValid = 0;

  const dispatch = (now: number) => {
    while (queue.size > 0) {
      const id = takeSlot();
      if (id < 0) return;
      const o = queue.popFront();
      const delivery = ++deliveries[o];
      state[o] = IN_FLIGHT;
      instanceOf[o] = id;
      busy[id]++;
      busyTotal++;
      receives++;
      opsThisSecond++;
      const k = orders.kind[o];
      const duration =
        k === ORDER_POISON ? poisonDeliveryS : k === ORDER_TRANSIENT && delivery === 1 ? orders.failedDeliveryS[o] : orders.processingS[o];
      events.push(now + duration, eventCode(o, delivery, COMPLETION));
    }
  };

  const abandonOrDeadLetter = (o: number) => {
    if (deliveries[o] >= maxDeliveries) {
      state[o] = DEAD_LETTERED;
      deadLettered++;
      minuteDeadLettered++;
      if (orders.kind[o] !== ORDER_POISON) deadLetteredValid++;
    } else {
      // [D] An abandoned message is available again at (or near) the front of the queue.
      state[o] = QUEUED;
      queue.pushFront(o);
    }
  };

  const handleEvent = (now: number, code: number) => {
    const o = code >>> 4;
    if ((code & 1) === LOCK_EXPIRED) {
      lockLost--;
      redeliveredAfterLockLoss++;
      abandonOrDeadLetter(o);
      return;
    }
    // A completion from an instance that scale-in removed meanwhile is stale: its lock was lost.
    if (state[o] !== IN_FLIGHT || (deliveries[o] & 7) !== ((code >>> 1) & 7)) return;
    const id = instanceOf[o];
    busy[id]--;
    busyTotal--;
    if (removed[id]) {
      // A draining instance takes no new delivery; it leaves when its last one ends.
      if (busy[id] === 0) draining--;
    } else {
      pushSlot(id);
    }
    settlements++;
    opsThisSecond++;
    const k = orders.kind[o];
    const succeeded = k !== ORDER_POISON && !(k === ORDER_TRANSIENT && deliveries[o] === 1);
    if (succeeded) {
      state[o] = DONE;
      latencyS[o] = now - orders.arrivalS[o];
      processed++;
      minuteProcessed++;
    } else {
      abandonOrDeadLetter(o);
    }
  };

  const scaleTo = (target: number, now: number) => {
    while (live.length < target) allocate(now, now + startupS);
    while (live.length > target) {
      // Instances still starting go first, then the newest ready one.
      const startingIndex = starting.length - 1;
      const id = startingIndex >= 0 ? starting.pop()! : live[live.length - 1];
      live.splice(live.lastIndexOf(id), 1);
      removed[id] = true;
      if (startingIndex >= 0) continue;
      readyCount--;
      if (busy[id] === 0) continue;
      if (scaler.drains) {
        draining++;
        continue;
      }
      for (const code of events.pendingCodes()) {
        const o = code >>> 4;
        if ((code & 1) === COMPLETION && state[o] === IN_FLIGHT && instanceOf[o] === id) {
          state[o] = LOCK_LOST;
          lockLost++;
          busyTotal--;
          events.push(now + lockS, eventCode(o, deliveries[o], LOCK_EXPIRED));
        }
      }
      busy[id] = 0;
    }
  };

  const activeMessages = new Float64Array(spanS);
  const waiting = new Float64Array(spanS);
  const busyVcpu = new Float32Array(spanS);
  const ready = new Uint16Array(spanS);
  const minutes: MinuteRow[] = [];
  let instanceSeconds = 0;
  let next = 0;

  for (let s = 0; s < spanS; s++) {
    for (let k = starting.length - 1; k >= 0; k--) {
      const id = starting[k];
      if (readyAt[id] <= s) {
        starting.splice(k, 1);
        readyCount++;
        for (let j = 0; j < slots; j++) pushSlot(id);
      }
    }
    dispatch(s);

    const end = s + 1;
    for (;;) {
      const arrival = next < n ? orders.arrivalS[next] : NEVER;
      const eventTime = events.peekTime();
      if (arrival >= end && eventTime >= end) break;
      if (arrival <= eventTime) {
        state[next] = QUEUED;
        queue.pushBack(next);
        next++;
        sends++;
        opsThisSecond++;
        minuteArrivals++;
        dispatch(arrival);
      } else {
        handleEvent(eventTime, events.pop());
        dispatch(eventTime);
      }
    }

    const active = queue.size + (lockedMessagesAreActive ? busyTotal + lockLost : 0);
    const cpu = readyCount > 0 ? min(100, idleCpuPercent + (100 * busyTotal * cpuSharePerInvocation) / (vcpu * readyCount)) : NaN;
    samples.record(s, { ActiveMessages: active, CpuPercentage: cpu });
    activeMessages[s] = active;
    waiting[s] = queue.size;
    busyVcpu[s] = busyTotal * cpuSharePerInvocation;
    ready[s] = readyCount;
    instanceSeconds += live.length + draining + scaler.extraBilled(live.length);
    if (opsThisSecond > peakOps) peakOps = opsThisSecond;
    opsThisSecond = 0;
    if (active > minuteBacklogMax) minuteBacklogMax = active;
    if (cpu === cpu) {
      minuteCpuSum += cpu;
      minuteCpuSamples++;
    }

    // Target-based scaling divides the queue length (locked messages included or not, as ActiveMessages) by maxConcurrentCalls.
    const target = scaler.after(end, live.length, { samples, desired: active / stack.maxConcurrentCalls });
    if (target !== undefined && target !== live.length) scaleTo(target, end);

    if (end % 60 === 0 || end === spanS) {
      minutes.push({
        minute: Math.floor(s / 60),
        arrivals: minuteArrivals,
        processed: minuteProcessed,
        deadLettered: minuteDeadLettered,
        backlogMax: minuteBacklogMax,
        instances: live.length,
        readyInstances: readyCount,
        cpuPercent: minuteCpuSamples > 0 ? minuteCpuSum / minuteCpuSamples : NaN,
      });
      minuteArrivals = minuteProcessed = minuteDeadLettered = minuteBacklogMax = minuteCpuSum = minuteCpuSamples = 0;
      if (end % 600 === 0) input.onProgress?.(end);
    }
  }

  let unfinished = 0;
  for (let o = 0; o < next; o++) {
    if (state[o] === QUEUED || state[o] === IN_FLIGHT || state[o] === LOCK_LOST) {
      unfinished++;
      latencyS[o] = spanS - orders.arrivalS[o];
    }
  }
  input.onProgress?.(spanS);

  return {
    latencyS: latencyS.subarray(0, next),
    processed,
    deadLettered,
    deadLetteredValid,
    unfinished,
    activeMessages,
    waiting,
    minutes,
    instanceSeconds,
    busyVcpu,
    ready,
    decisions: scaler.decisions,
    holds: scaler.holds,
    slotsPerInstance: slots,
    operations: { sends, receives, settlements, peakPerSecond: peakOps },
    deliveries: { total: receives, redeliveredAfterLockLoss },
  };
}

/** Order index, delivery number (mod 8, to recognise stale completions) and event type in one int. */
function eventCode(order: number, delivery: number, type: number): number {
  return (order << 4) | ((delivery & 7) << 1) | type;
}
