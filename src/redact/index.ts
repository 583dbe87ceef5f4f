// Public API of the shared secret-redaction module.
export { redact, redactString, redactDeep, redactionMask } from './redact.js';
export type { RedactResult } from './redact.js';
export { SECRET_PATTERNS, secretKeyKind } from './patterns.js';
export type { SecretPattern } from './patterns.js';
