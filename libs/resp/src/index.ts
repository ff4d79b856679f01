export { RespServer, type RespServerOptions } from './server/resp-server.js';
export { RespConnection } from './server/connection.js';
export { DEFAULT_LIMITS, type RespLimits } from './server/limits.js';
export type {
  DeleteOutcome,
  KeyPageRequest,
  KeyPageResult,
  PeerLinkInfo,
  RespStore,
  StoreInfo,
  StoredValue,
  WriteOutcome,
  WriteRefusal,
} from './store.js';
export { COMMAND_TABLE } from './commands/command-table.js';
export type { CommandFlag, CommandGroup, CommandHandler, CommandSpec } from './commands/command-spec.js';
export { commandDocsMarkdown } from './commands/command-docs.js';
export { REDIS_COMPAT_VERSION } from './commands/info-report.js';
export { policyName, enginePolicyOf } from './commands/policy-names.js';
export { RequestParser, ParseResult, UNAUTHENTICATED_LIMITS, type ParserLimits } from './protocol/request-parser.js';
export { ReplyWriter, type Protover } from './protocol/reply-writer.js';
export { RespError, type RespErrorCode } from './resp-error.js';
export { MemoryRespStore, type MemoryRespStoreOptions } from './memory-store.js';
