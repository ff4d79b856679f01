/** Every react-query key of the dashboard, so socket handlers and panels agree on them. */
export const queryKeys = {
  metrics: ['metrics'] as const,
  nodes: ['nodes'] as const,
  allKeyPages: ['keys'] as const,
  keyPage: (prefix: string, cursor: string | null, pattern = '') => ['keys', prefix, cursor, pattern] as const,
  clusterMetrics: ['cluster-metrics'] as const,
  item: (key: string) => ['item', key] as const,
  allHistory: ['history'] as const,
  history: (limit: number) => ['history', limit] as const,
};
