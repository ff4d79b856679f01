import { existsSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CrashRecord } from '../check/history.js';
import { crashDisk } from '../cluster/crash-disk.js';
import { FAKETIME_LIB, type ClusterNodes } from '../cluster/nodes.js';
import type { Network } from '../hosts/network.js';
import { halvesOf, type FaultPlan } from './schedule.js';

/** How long a node takes writes nobody else sees before its power cut (longer than everysec's window). */
export const CUT_OFF_BEFORE_POWER_MS = 2000;

/** How far the clock fault sets a node's wall clock: beyond the default 60 s maxClockOffsetMs. */
export const CLOCK_SKEW = '+300s';

export interface Injected {
  /** What was done, as commands or mechanisms, for the report. */
  mechanism: string;
  /** Undoes it (restarts, unblocks...); may say what the fault did meanwhile, for the log. */
  heal(): Promise<string | void>;
  /** For kill -9 and the power cut: what the node's disk held after it. */
  crash?: CrashRecord;
}

/** Why a fault cannot run on this machine, or undefined when it can. */
export function unavailable(plan: FaultPlan, network: Network, nodes: ClusterNodes): string | undefined {
  if (plan.group === 'clock' && !existsSync(FAKETIME_LIB)) return `${FAKETIME_LIB} missing (apt-get install faketime)`;
  if (plan.group === 'disk' && !nodes.hasTmpfs()) return 'DATA_DIRs are not on a tmpfs (needs root for mount)';
  if (plan.group === 'partition' && plan.targets.length < 3 && plan.fault !== 'isolate' && plan.fault !== 'one-way') return 'needs 3 nodes';
  return network ? undefined : 'no network';
}

/** Writes a file until the tmpfs refuses: the node's next write finds no space. */
function fillDisk(dir: string): string {
  const file = join(dir, 'chaos-filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (let i = 0; i < 1_000_000; i++) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full, as intended
  } finally {
    closeSync(fd);
  }
  return file;
}

/** kill -9, then (power) the logs cut back to what was fsynced; restarted on heal with that DATA_DIR. */
async function crash(id: string, name: string, mode: CrashRecord['mode'], nodes: ClusterNodes): Promise<Injected> {
  const pid = nodes.pid(name);
  const since = nodes.startedAt(name);
  const at = await nodes.kill9(name);
  const record = crashDisk({ id, node: name, mode, at, dataDir: nodes.dataDir(name), tracePath: nodes.fsyncTracePath(name), since, dropUnsynced: nodes.dropUnsyncedOf(name) });
  const lazy = record.lazyfs;
  const mechanism =
    mode === 'kill'
      ? `kill -9 (pid ${pid}), restarted with the same DATA_DIR`
      : lazy
        ? `kill -9 (pid ${pid}), then lazyfs under DATA_DIR dropped every byte not fsynced (${lazy.droppedBytes} bytes in ${lazy.droppedFiles} files; ${record.cutBytes} of the operation logs; FSYNC_TRACE_FILE ${lazy.traceOverclaimBytes ? `claimed ${lazy.traceOverclaimBytes} more bytes durable than the file system kept` : 'agrees'}), restarted with that DATA_DIR`
        : `kill -9 (pid ${pid}), then every operation log cut back to its last fsynced length (FSYNC_TRACE_FILE; ${record.cutBytes} bytes dropped, last fsync ${record.lastFsyncAt === null ? 'never' : `${at - record.lastFsyncAt} ms before`}), restarted with that DATA_DIR`;
  return {
    mechanism,
    crash: record,
    heal: async () => {
      nodes.start(name);
      await nodes.waitReady(name);
    },
  };
}

export async function inject(plan: FaultPlan, network: Network, nodes: ClusterNodes, id = 'f0'): Promise<Injected> {
  const [a, b, c] = plan.targets;
  const blocks: Array<[string, string]> = [];
  const block = (from: string, to: string) => {
    blocks.push([from, to]);
    return network.block(from, to);
  };
  const unblockAll = async () => {
    for (const [from, to] of blocks) network.unblock(from, to);
  };
  switch (plan.fault) {
    case 'isolate': {
      const mechanism = network.detach(a);
      return { mechanism, heal: async () => network.attach(a) };
    }
    case 'halves': {
      const [left, right] = halvesOf(plan.targets);
      const used = left.flatMap((l) => right.flatMap((r) => [block(l, r), block(r, l)]));
      return { mechanism: `{${left.join(',')}} | {${right.join(',')}}: ${used[0]} (and ${used.length - 1} more blackhole routes)`, heal: unblockAll };
    }
    case 'bridge': {
      const used = [block(a, c), block(c, a)];
      return { mechanism: `${a}–${b}–${c}, ${a} and ${c} cut: ${used.join('; ')}`, heal: unblockAll };
    }
    case 'one-way': {
      return { mechanism: `${a} -> ${b} dropped, ${b} -> ${a} delivered: ${block(a, b)}`, heal: unblockAll };
    }
    case 'kill':
      return crash(id, a, 'kill', nodes);
    case 'power-loss':
      return crash(id, a, 'power', nodes);
    case 'cut-off-power-loss': {
      // The one case where a cut write is lost on every node: it never left its node. Clients
      // still reach the node (blackhole routes between nodes only) while it is cut off.
      const others = plan.targets.filter((t) => t !== a);
      for (const o of others) {
        block(a, o);
        block(o, a);
      }
      const cutOffMs = CUT_OFF_BEFORE_POWER_MS;
      await new Promise((r) => setTimeout(r, cutOffMs));
      const crashed = await crash(id, a, 'power', nodes);
      return {
        ...crashed,
        mechanism: `${a} cut off from ${others.join(', ')} (blackhole routes both ways) for ${cutOffMs} ms, then ${crashed.mechanism}; reconnected on restart`,
        heal: async () => {
          await unblockAll();
          await crashed.heal();
        },
      };
    }
    case 'pause': {
      nodes.signal(a, 'SIGSTOP');
      return { mechanism: 'SIGSTOP, then SIGCONT', heal: async () => nodes.signal(a, 'SIGCONT') };
    }
    case 'netem': {
      const mechanism = network.degrade(a) ?? 'nothing could be applied';
      return { mechanism, heal: async () => network.restore(a) };
    }
    case 'clock-skew': {
      await nodes.stop(a);
      nodes.start(a, CLOCK_SKEW);
      await nodes.waitReady(a);
      return {
        mechanism: `restarted under libfaketime FAKETIME=${CLOCK_SKEW} (monotonic clock left alone), then restarted without it`,
        heal: async () => {
          await nodes.stop(a);
          nodes.start(a);
          await nodes.waitReady(a);
        },
      };
    }
    case 'disk-full': {
      const file = fillDisk(nodes.dataDir(a));
      return { mechanism: `DATA_DIR is a tmpfs; filled with ${file}, removed to heal`, heal: async () => rmSync(file, { force: true }) };
    }
    default:
      return { mechanism: 'unknown fault', heal: async () => undefined };
  }
}
