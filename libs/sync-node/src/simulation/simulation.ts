import { compareHlc, nodeIdOfOrigin, STRATEGIES, type NodeSnapshot, type Operation, type Strategy } from '@meshcache/sync-protocol';
import { MapEntryStore } from '../entry-store.js';
import { ReplicaNode } from '../replica-node.js';
import { ReplicaState } from '../replica-state.js';
import { MemoryNetwork } from '../transports/memory-network.js';
import { checkBounds, checkRepairStorms, STORM_WINDOW_MS } from './bounds-check.js';
import { ClockFaults, SIM_MAX_CLOCK_OFFSET_MS } from './clock-faults.js';
import { SeededScheduler } from './seeded-scheduler.js';
import { TrustScenario } from './trust-scenario.js';

/** Virtual time starts at a realistic epoch so HLC walls look like real ones. */
const EPOCH = 1_750_000_000_000;
const MAX_TOMBSTONES = 1_000_000;
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', '__proto__', 'constructor', '', 'x:y'];

export interface ScheduleResult {
  seed: number;
  ok: boolean;
  failure?: string;
  nodes: number;
  writes: number;
  crashes: number;
  partitions: number;
  /** Host clocks set minutes off (or right again), and nodes gone for good. */
  clockJumps: number;
  vanished: number;
  fullSyncs: number;
  partialSyncs: number;
  delivered: number;
  dropped: number;
  /** Attack steps of the non-member, twins started with a member's id, and duplicate-id reports. */
  attacks: number;
  twins: number;
  duplicatesReported: number;
  /** Node ids whose dead incarnations a node had folded out of its version vector at the end, summed over nodes. */
  folds: number;
  /** Snapshots that repeated one for the same repair (the last left the peer lacking), as the nodes' histories at the end tell. */
  snapshotRepeats: number;
}

interface Disk {
  snapshot: NodeSnapshot | undefined;
  ops: Operation[];
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * One seeded schedule: 3 to 5 nodes take random writes, deletes, clears, strategy switches and
 * TTLs while the network drops, duplicates, delays and reorders messages, partitions come and
 * go, nodes crash and restart from their disk (snapshot + op log) and sync is toggled. Then the
 * network heals, every node comes back, and after a quiet period every node must hold exactly
 * the state the merge rules give for the set of all acknowledged writes. Throughout, a non-member
 * attacks every node and a twin with a member's id comes and goes (`TrustScenario`): no node may
 * ever apply an operation no member issued.
 */
export function runSchedule(seed: number, log: (line: string) => void = () => undefined, traceKey?: string): ScheduleResult {
  const sched = new SeededScheduler(seed);
  const net = new MemoryNetwork(sched);
  const nodeCount = sched.int(3, 5);
  const ids = Array.from({ length: nodeCount }, (_, i) => `n${i + 1}`);
  const clocks = new ClockFaults(sched, ids);
  const backlogSize = sched.pick([4, 16, 1000]);
  const backlogMaxBytes = sched.pick([600, 64 * 1024 * 1024]);
  const disks = new Map<string, Disk>(ids.map((id) => [id, { snapshot: undefined, ops: [] }]));
  const live = new Map<string, ReplicaNode>();
  const issued: Operation[] = [];
  const result: ScheduleResult = { seed, ok: true, nodes: nodeCount, writes: 0, crashes: 0, partitions: 0, clockJumps: 0, vanished: 0, fullSyncs: 0, partialSyncs: 0, delivered: 0, dropped: 0, attacks: 0, twins: 0, duplicatesReported: 0, folds: 0, snapshotRepeats: 0 };
  const vanished = new Set<string>();
  /** Which nodes applied each operation (origin/seq), to tell whether a vanished node's write reached a survivor. */
  const appliedBy = new Map<string, Set<string>>();
  let counter = 0;
  const trust = new TrustScenario(sched, net, () => [...live.values()], ids[0], () => EPOCH + sched.now);

  const start = (id: string) => {
    const node = new ReplicaNode({
      nodeId: id,
      // Like PEER_NODES: every node is configured with the others.
      members: ids.filter((other) => other !== id),
      cache: { capacity: 1000, strategy: 'lru' },
      clusterSecret: 'sim-secret',
      now: () => EPOCH + sched.now + clocks.offset(id),
      monotonicNow: () => sched.now,
      maxClockOffsetMs: SIM_MAX_CLOCK_OFFSET_MS,
      // Restarts happen on hosts whose clock is off: no write before a peer vouched for it.
      requireClockConfirmation: true,
      timers: sched.timersFor(id),
      heartbeatMs: 100,
      retransmitMs: 250,
      downAfterMs: 800,
      backlogSize,
      backlogMaxBytes,
      // Every other schedule remembers only 8 writes, so most late clears are swept, 16 slots a
      // step: reads, merges, snapshots and digests meet half-swept stores (taken from the seed,
      // not the schedule's generator, so every other choice of a schedule stays the same).
      recentWrites: seed % 2 === 0 ? 8 : undefined,
      clearSweepSlots: seed % 2 === 0 ? 16 : undefined,
      // Every other pair of schedules holds its acks (the server's default is 20 ms): the
      // senders' in-flight windows, resends and acks=N waits meet acks that come late and
      // cover several batches (also from the seed, for the same reason).
      ackDelayMs: Math.floor(seed / 2) % 2 === 1 ? 20 : undefined,
      // Every other four schedules pace their batches (the server's default is 10 ms): writes
      // held for a window meet acks, heartbeats, restarts and acks=N waits.
      sendWindowMs: Math.floor(seed / 4) % 2 === 1 ? 10 : undefined,
      maxTombstones: MAX_TOMBSTONES,
      maxBatchOps: sched.pick([1, 3, 100]),
      maxInFlightOps: sched.pick([2, 50, 1000]),
      snapshotChunkEntries: sched.pick([1, 3, 1000]),
      forceSyncTimeoutMs: 1000,
      // Longer than any schedule: a partition longer than the grace may lose writes by design
      // (docs/CONSISTENCY.md, gc grace); collection itself is covered by replica-node.spec.ts.
      tombstoneGraceMs: 60_000,
    });
    const disk = disks.get(id) as Disk;
    node.restore(disk.snapshot === undefined ? undefined : clone(disk.snapshot), clone(disk.ops));
    if (traceKey !== undefined) {
      node.on('change', (c) => {
        if (c.key === traceKey || c.kind === 'clear') log(`t=${sched.now} ${node.origin} ${c.source} ${c.kind} ${JSON.stringify(node.peek(traceKey)?.value)}`);
      });
    }
    // As the server's persistence does (open-persistence.ts): a claimed snapshot vector is no
    // operation in the log, so the disk takes a snapshot of the node at once.
    node.on('snapshot-installed', () => {
      disk.snapshot = clone(node.snapshot());
      disk.ops = [];
    });
    node.on('op', (op) => {
      if (traceKey !== undefined && 'key' in op.op && op.op.key === traceKey) log(`t=${sched.now} ${node.origin} op ${op.origin}/${op.seq} ${JSON.stringify(op.op)}`);
      disk.ops.push(clone(op));
      // Only acknowledged writes are emitted for the node's own origin: the reference of the check.
      if (op.origin === node.origin) issued.push(clone(op));
      appliedBy.set(`${op.origin}/${op.seq}`, (appliedBy.get(`${op.origin}/${op.seq}`) ?? new Set<string>()).add(id));
    });
    trust.watch(node);
    live.set(id, node);
    net.add(node);
  };
  ids.forEach(start);

  const faults = {
    drop: sched.pick([0, 0.02, 0.1]),
    duplicate: sched.pick([0, 0.05]),
    reorder: sched.pick([0, 0.05]),
    minDelayMs: 1,
    maxDelayMs: sched.pick([3, 30]),
  };
  net.faults = faults;
  const steps = sched.int(60, 140);
  const crashed = new Set<string>();

  for (let step = 0; step < steps; step++) {
    sched.runUntil(sched.now + sched.int(1, 40));
    const liveIds = ids.filter((id) => live.has(id));
    const id = sched.pick(liveIds);
    const node = live.get(id) as ReplicaNode;
    trust.step();
    const roll = sched.random();
    if (roll < 0.5) {
      const ttl = sched.chance(0.2) ? { ttlMs: sched.int(20, 3000) } : undefined;
      node.set(sched.pick(KEYS), `${id}:${++counter}`, ttl);
      result.writes++;
    } else if (roll < 0.65) {
      node.delete(sched.pick(KEYS));
      result.writes++;
    } else if (roll < 0.67) {
      node.clear();
      result.writes++;
    } else if (roll < 0.7) {
      node.setStrategy(sched.pick<Strategy>([...STRATEGIES]));
      result.writes++;
    } else if (roll < 0.74) {
      const shuffled = [...ids].sort(() => sched.random() - 0.5);
      const cut = sched.int(1, ids.length - 1);
      net.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
      result.partitions++;
      log(`t=${sched.now} partition ${shuffled.slice(0, cut)} | ${shuffled.slice(cut)}`);
    } else if (roll < 0.78) {
      net.heal();
    } else if (roll < 0.8 && liveIds.length > 1) {
      sched.cancelOwner(id);
      net.crash(id);
      live.delete(id);
      crashed.add(id);
      result.crashes++;
      log(`t=${sched.now} crash ${id}`);
      sched.after(sched.int(5, 1500), () => {
        if (!crashed.delete(id)) return;
        log(`t=${sched.now} restart ${id}`);
        start(id);
      });
    } else if (roll < 0.84) {
      node.setSyncEnabled(!node.syncEnabled);
    } else if (roll < 0.86) {
      void node.forceSync();
    } else if (roll < 0.89) {
      const disk = disks.get(id) as Disk;
      disk.snapshot = clone(node.snapshot());
      disk.ops = [];
    } else if (roll < 0.905) {
      log(`t=${sched.now} ${clocks.step(ids)}`);
      result.clockJumps++;
    } else if (roll < 0.908 && liveIds.length > 2 && vanished.size === 0) {
      // Gone for good: never restarted, its disk lost.
      sched.cancelOwner(id);
      net.crash(id);
      live.delete(id);
      vanished.add(id);
      result.vanished++;
      log(`t=${sched.now} ${id} vanishes`);
    }
  }

  // Heal everything and let the cluster settle.
  trust.finish();
  net.heal();
  net.faults = { drop: 0, duplicate: 0, reorder: 0, minDelayMs: 1, maxDelayMs: 5 };
  clocks.repairSome();
  for (const id of [...crashed]) {
    crashed.delete(id);
    start(id);
  }
  for (const node of live.values()) node.setSyncEnabled(true);
  sched.runUntil(sched.now + 6000 - STORM_WINDOW_MS);
  const stormFrom = new Map([...live.values()].map((node) => [node, new Set(node.history(1000).map((e) => e.id))]));
  sched.runUntil(sched.now + STORM_WINDOW_MS);

  // Honest nodes: up, with a clock within bounds. Nodes still out of bounds must not be
  // acknowledging writes, and a vanished node's writes count only if they reached someone.
  const faulty = clocks.faulty();
  const honest = ids.filter((id) => live.has(id) && !faulty.has(id)).map((id) => live.get(id) as ReplicaNode);
  const survivors = [...live.values()];
  const reached = (op: Operation) => [...(appliedBy.get(`${op.origin}/${op.seq}`) ?? [])].some((id) => id !== nodeIdOfOrigin(op.origin) && live.has(id));
  const reference = issued.filter((op) => !vanished.has(nodeIdOfOrigin(op.origin)) || reached(op));
  const failure =
    trust.violations[0] ??
    checkConvergence(honest, reference, EPOCH + sched.now + SIM_MAX_CLOCK_OFFSET_MS + 1) ??
    checkBounds(survivors, { maxTombstones: MAX_TOMBSTONES, backlogMaxBytes, largestOpBytes: 1000, members: ids.length - 1 }) ??
    checkRepairStorms(survivors, stormFrom);
  result.attacks = trust.adversary.actions;
  result.twins = trust.twins;
  result.duplicatesReported = trust.duplicatesReported;
  for (const node of live.values()) {
    const stats = node.stats();
    result.fullSyncs += stats.fullSyncs;
    result.partialSyncs += stats.partialSyncs;
    result.folds += node.foldedIncarnations().length;
    result.snapshotRepeats += node.history(1000).filter((e) => e.type === 'full-sync-sent' && /(^|; )snapshot \d+ for one repair/.test(e.message ?? '')).length;
  }
  result.delivered = net.delivered;
  result.dropped = net.dropped;
  if (failure !== null) {
    result.ok = false;
    result.failure = failure;
    for (const node of live.values()) {
      log(`history of ${node.origin}, oldest first:`);
      for (const e of node.history(100).reverse()) log(`  ${e.timestamp - EPOCH} ${e.type} ${e.peer ?? ''} ${e.count ?? ''} ${e.op ?? ''} ${e.key ?? ''} ${e.message ?? ''}`);
    }
  }
  for (const node of live.values()) void node.close();
  return result;
}

type Rendered = { strategy: Strategy; entries: string[] };

function render(entries: Iterable<[string, { value: unknown; hlc: { wall: number; logical: number; node: string }; expiresAt: number | undefined }]>, strategy: Strategy, liveAfter: number): Rendered {
  const out: string[] = [];
  for (const [key, r] of entries) {
    if (r.expiresAt !== undefined && r.expiresAt <= liveAfter) continue;
    out.push(JSON.stringify([key, r.value, r.hlc]));
  }
  return { strategy, entries: out.sort() };
}

/** Every node must equal the merge of all acknowledged writes (and so each other). */
export function checkConvergence(nodes: ReplicaNode[], issued: Operation[], liveAfter: number): string | null {
  const reference = new ReplicaState(new MapEntryStore(), 'lru');
  const ordered = [...issued].sort((x, y) => compareHlc(x.hlc, y.hlc));
  for (const op of ordered) reference.applyOperation(op, 0);
  const expected = render(reference.store.list(), reference.strategy.strategy, liveAfter);
  for (const node of nodes) {
    const actual = render(node.cache.entries(), node.cache.strategy, liveAfter);
    if (actual.strategy !== expected.strategy) return `${node.nodeId}: strategy ${actual.strategy}, expected ${expected.strategy}`;
    const missing = expected.entries.filter((e) => !actual.entries.includes(e));
    const extra = actual.entries.filter((e) => !expected.entries.includes(e));
    if (missing.length > 0 || extra.length > 0) {
      const keys = new Set([...missing, ...extra].map((e) => (JSON.parse(e) as [string])[0]));
      const history = ordered
        .filter((op) => op.op.type === 'clear' || ('key' in op.op && keys.has(op.op.key)))
        .map((op) => `${op.origin}/${op.seq}@${op.hlc.wall}.${op.hlc.logical} ${JSON.stringify(op.op)}`);
      return (
        `${node.nodeId}: missing ${JSON.stringify(missing)} extra ${JSON.stringify(extra)}\n` +
        `  writes to those keys and clears, in HLC order:\n    ${history.join('\n    ')}\n` +
        `  stats ${JSON.stringify({ ...node.stats(), nodeList: undefined })}`
      );
    }
  }
  return null;
}

export interface RunOptions {
  seed: number;
  schedules: number;
  onResult?: (result: ScheduleResult) => void;
}

/** Runs schedules `seed`, `seed + 1`, …; stops at the first failure. */
export function runSchedules(options: RunOptions): ScheduleResult[] {
  const results: ScheduleResult[] = [];
  for (let i = 0; i < options.schedules; i++) {
    const result = runSchedule(options.seed + i);
    results.push(result);
    options.onResult?.(result);
    if (!result.ok) break;
  }
  return results;
}

export const replayCommand = (seed: number) => `npm run sim -- --seed ${seed} --schedules 1 --verbose`;
