import type { LevelWithSilent } from 'pino';

/**
 * The access log's level for a status. A 429 is not logged per request: a throttled client at
 * full speed would write thousands of lines a second; the limiter logs it once per window.
 */
export const accessLogLevel = (status: number): LevelWithSilent => (status === 429 ? 'silent' : status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info');
