import type { RespConnection } from '../server/connection.js';
import { policyName } from './policy-names.js';

/** The Redis version whose commands and replies this library follows (what clients gate features on). */
export const REDIS_COMPAT_VERSION = '7.0.0';

const human = (bytes: number): string => {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes}B` : `${value.toFixed(2)}${units[unit]}`;
};

type Section = (c: RespConnection) => string[];

/** INFO's sections in Redis' order; `default` and `all` list every one of them. */
export const INFO_SECTIONS: ReadonlyMap<string, Section> = new Map<string, Section>([
  [
    'server',
    (c) => {
      const info = c.store.info();
      return [
        `redis_version:${REDIS_COMPAT_VERSION}`,
        `meshcache_version:${info.version}`,
        'redis_mode:standalone',
        `node_id:${info.nodeId}`,
        `process_id:${process.pid}`,
        `tcp_port:${c.localAddress.slice(c.localAddress.lastIndexOf(':') + 1)}`,
        `uptime_in_seconds:${Math.floor(info.uptimeSeconds)}`,
        `uptime_in_days:${Math.floor(info.uptimeSeconds / 86_400)}`,
      ];
    },
  ],
  [
    'clients',
    (c) => {
      let count = 0;
      for (const _ of c.host.clients()) count++;
      return [`connected_clients:${count}`];
    },
  ],
  [
    'memory',
    (c) => {
      const { memory } = c.store.info();
      const max = c.store.maxBytes();
      return [
        `used_memory:${memory.usedBytes}`,
        `used_memory_human:${human(memory.usedBytes)}`,
        `used_memory_rss:${memory.rssBytes}`,
        `used_memory_dataset:${memory.storeBytes}`,
        `maxmemory:${max}`,
        `maxmemory_human:${human(max)}`,
        `maxmemory_policy:${policyName(c.store.policy())}`,
      ];
    },
  ],
  ['persistence', (c) => [`loading:${c.store.loading() ? 1 : 0}`]],
  [
    'stats',
    (c) => {
      const { stats } = c.store.info();
      return [
        `total_connections_received:${c.host.counters.connectionsReceived}`,
        `total_commands_processed:${c.host.counters.commandsProcessed}`,
        `keyspace_hits:${stats.hits}`,
        `keyspace_misses:${stats.misses}`,
        `evicted_keys:${stats.evictions}`,
        `expired_keys:${stats.expirations}`,
      ];
    },
  ],
  [
    'replication',
    (c) => {
      const { peers } = c.store.info();
      // Every node takes writes and replicates them to all others: no node is anyone's replica.
      return [
        'role:master',
        'connected_slaves:0',
        'meshcache_replication:multi-writer-last-writer-wins',
        `meshcache_peers:${peers.length}`,
        ...peers.map((p, i) => `peer${i}:id=${p.id},url=${p.url ?? ''},state=${p.state},lag=${p.lag}`),
      ];
    },
  ],
  [
    'keyspace',
    (c) => {
      const size = c.store.size();
      return size === 0 ? [] : [`db0:keys=${size}`];
    },
  ],
]);

const title = (name: string): string => name[0].toUpperCase() + name.slice(1);

/** The INFO text for the requested section names (all of them for none, `default`, `all`, `everything`). */
export const infoReport = (c: RespConnection, requested: readonly string[]): string => {
  const wanted = requested.map((s) => s.toLowerCase());
  const everything = wanted.length === 0 || wanted.some((s) => s === 'default' || s === 'all' || s === 'everything');
  const blocks: string[] = [];
  for (const [name, section] of INFO_SECTIONS) {
    if (!everything && !wanted.includes(name)) continue;
    blocks.push([`# ${title(name)}`, ...section(c)].join('\r\n'));
  }
  return blocks.length === 0 ? '' : blocks.join('\r\n\r\n') + '\r\n';
};
