export { CONFIG_OPTIONS, configSchema, flagOf, type Config } from './config-schema.js';
export { ConfigError, loadConfig, type ResolvedConfig } from './load-config.js';
export { helpText } from './help-text.js';
