import { ConfigError, helpText, loadConfig } from './config/index.js';
import { missingNodeFlags } from './server/node-flags.js';
import { startServer } from './server/start-server.js';

/**
 * `meshcache [serve] [options]` / `node dist/apps/api/main.js [options]`. A bad setting exits
 * with status 2 and a message naming it; SIGTERM/SIGINT shut down gracefully, a second signal
 * exits at once.
 */
const main = async (argv: string[]): Promise<void> => {
  const args = argv[0] === 'serve' ? argv.slice(1) : argv;
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(helpText());
    return;
  }
  let config;
  try {
    config = loadConfig(args, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`meshcache: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const server = await startServer(config);
  const missing = missingNodeFlags(process.execArgv);
  if (missing.length > 0) {
    // Advice, not a fault: the node works, but with the pauses these flags avoid (node-flags.ts).
    server.context.logger.warn(
      { missingNodeFlags: missing },
      `started without ${missing.join(' ')}: expect GC pauses of 50-100 ms under load. Run the bin (meshcache serve, or dist/apps/api/main.js itself: its first line passes them) or node ${missing.join(' ')} main.js`,
    );
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    server.context.logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.context.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
};

main(process.argv.slice(2)).catch((error: unknown) => {
  // Settings read at start (TLS files) fail like the ones checked by loadConfig.
  if (error instanceof ConfigError) {
    process.stderr.write(`meshcache: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`meshcache: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
