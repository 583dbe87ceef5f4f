// The catalogue of secrets mem masks before anything is stored or exported.
//
// Every entry is one kind of secret. `redact()` (see redact.ts) runs all of them over
// the original text, merges overlapping hits and replaces only the secret part (the
// capture group `group`, or the whole match) with `[REDACTED:<name>]`.
//
// Rules every regex here follows, because redaction runs on 100,000s of commands:
// - no nested unbounded quantifiers, and every unbounded run is anchored at a
//   boundary (lookbehind) so a long run of token-ish characters is scanned once,
//   not once per start position;
// - whitespace between parts is `[ \t]`, so nothing but the PEM block crosses lines;
// - `keywords` (lower case) lets redact() skip a pattern when none occurs in the text.
// Patterns are ordered most specific first: when two hits cover the same span, the
// earlier entry names it (`GITHUB_TOKEN=ghp_…` is a github_token, not a generic secret).

export interface SecretPattern {
  /** snake_case kind, used in the mask: `[REDACTED:<name>]`. */
  name: string;
  description: string;
  /** Global regex. redact() compiles its own copy (adding the `d` flag), so lastIndex here is never touched by it. */
  regex: RegExp;
  /** Capture group holding the secret; the whole match when absent. */
  group?: number;
  /** Lower-case substrings, at least one of which must occur in the (lower-cased) text for the regex to run. */
  keywords?: readonly string[];
  /** Extra check on a hit: false drops it (for hits a regex alone cannot tell from ordinary text). */
  validate?: (secret: string, match: RegExpExecArray) => boolean;
}

// ---------------------------------------------------------------------------
// Key names: which config / env / JSON keys hold a secret value.

// Last words that make a secret-sounding key describe something else:
// TOKEN_TYPE, SECRET_NAME, PASSWORD_FILE, PASSWORD_STORE_DIR, token_expires_at, …
const NON_SECRET_KEY_SUFFIXES = new Set([
  'name', 'names', 'type', 'types', 'kind', 'count', 'length', 'len', 'size', 'limit', 'max', 'min',
  'file', 'files', 'path', 'paths', 'dir', 'url', 'uri', 'endpoint', 'id', 'ids', 'env', 'enabled',
  'enable', 'disabled', 'required', 'expiry', 'expires', 'expiration', 'ttl', 'timeout', 'header',
  'prefix', 'field', 'ref', 'arn', 'version', 'policy', 'hint', 'label', 'mode', 'format',
  'algorithm', 'alg', 'cmd', 'command', 'helper', 'provider', 'store', 'manager', 'location',
  'source', 'usage', 'at', 'in', 'scope', 'scopes', 'stdin', 'regex', 'pattern', 'lifetime',
]);

// Words before `key` that make it a secret: API_KEY, ACCESS_KEY, PRIVATE_KEY, …
const SECRET_KEY_QUALIFIERS = new Set([
  'api', 'access', 'private', 'secret', 'auth', 'signing', 'encryption', 'master', 'client', 'account',
]);

function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2') // githubToken -> github_Token
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2') // APIKey -> API_Key
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/**
 * Whether a key name (env var, config key, JSON property, header) holds a secret value,
 * and which mask name such a value gets: 'password' or 'secret'. undefined when not secret.
 */
export function secretKeyKind(key: string): 'password' | 'secret' | undefined {
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) return undefined;
  const words = keyWords(key);
  const last = words[words.length - 1];
  if (last === undefined || NON_SECRET_KEY_SUFFIXES.has(last)) return undefined;
  // DB_PASSWORD, PGPASSWORD, passphrase; DB_PASS and MYSQL_PWD, but not PWD/OLDPWD or GIT_ASKPASS.
  if (words.some((w) => /password|passwd|passphrase/.test(w))) return 'password';
  if (words.length > 1 && (last === 'pass' || last === 'pwd')) return 'password';
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w.includes('secret')) return 'secret';
    // GITHUB_TOKEN, accessToken, NODE_AUTH_TOKEN; not max_tokens, tokenizer.
    if (w.endsWith('token')) return 'secret';
    if (/(?:apikey|accesskey|privatekey)$/.test(w)) return 'secret';
    if (w.startsWith('credential')) return 'secret';
    // {"Authorization": "Bearer …"} in a headers object (in text the authorization_header pattern applies).
    if (w === 'authorization') return 'secret';
    if (w === 'key' && i > 0 && SECRET_KEY_QUALIFIERS.has(words[i - 1] ?? '')) return 'secret';
  }
  return undefined;
}

// Values a secret-named key often has that are not secrets: YAML/JSON literals, and type
// names and keywords in code (`password: str`, `const token = await getToken()`).
const NON_SECRET_VALUES = new Set([
  'null', 'none', 'nil', 'undefined', 'true', 'false', 'yes', 'no', 'on', 'off',
  'str', 'string', 'int', 'number', 'bool', 'boolean', 'bytes', 'any', 'object', 'required', 'optional',
  'await', 'new', 'this', 'self', 'function', 'async', 'typeof', 'void', 'yield', 'lambda',
]);

/** False for values that cannot be a secret even under a secret-looking name (literals, file paths). */
export function plausibleSecretValue(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return false;
  if (NON_SECRET_VALUES.has(v.toLowerCase())) return false;
  // ./creds.json, ~/.ssh/id_rsa, /run/secrets/token.txt: a pointer to a secret, not the secret.
  if (/^(?:~|\.\.?)\//.test(v)) return false;
  if (/^\/[^\s]*\/[^\s/]*\.[A-Za-z0-9]{1,5}$/.test(v)) return false;
  return true;
}

function isCommandSeparator(c: number): boolean {
  return c === 10 || c === 13 || c === 59 /* ; */ || c === 124 /* | */ || c === 38 /* & */;
}

// Context for commandHas(), computed once per (text, regex): where the command names occur,
// and the start of the command the last hit was in. Hits of one pattern come in increasing
// order, so the scan for separators only moves forward: linear in the text, whatever the
// number of hits. There is no look-back limit on purpose: a limit would make the answer
// depend on the length of earlier masks, and redaction would stop being idempotent.
const MASK_BEFORE = /\[REDACTED:[a-z0-9_]+$/;
let commandCache:
  | { input: string; re: RegExp; starts: number[]; ends: number[]; upTo: number; commandStart: number }
  | undefined;

/**
 * Whether `re` (a global regex) occurs before the match in the shell command the match belongs
 * to: the text since the last newline, `;`, `|` or `&`.
 */
function commandHas(re: RegExp, match: RegExpExecArray): boolean {
  const input = match.input;
  const end = match.index;
  let c = commandCache;
  if (c === undefined || c.re !== re || c.input !== input || end < c.upTo) {
    const starts: number[] = [];
    const ends: number[] = [];
    for (const m of input.matchAll(re)) {
      starts.push(m.index);
      ends.push(m.index + m[0].length);
    }
    c = commandCache = { input, re, starts, ends, upTo: 0, commandStart: 0 };
  }
  for (let i = c.upTo; i < end; i++) {
    const ch = input.charCodeAt(i);
    // A mask counts as a separator too: the secret it replaced may have held one (`https://u:a;b@h`),
    // and a second pass must not see a longer command than the first did.
    if (isCommandSeparator(ch) || (ch === 93 /* ] */ && MASK_BEFORE.test(input.slice(Math.max(0, i - 64), i)))) {
      c.commandStart = i + 1;
    }
  }
  c.upTo = end;
  // First occurrence starting in this command (binary search), and it must end before the match.
  let lo = 0;
  let hi = c.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((c.starts[mid] ?? 0) < c.commandStart) lo = mid + 1;
    else hi = mid;
  }
  return lo < c.starts.length && (c.ends[lo] ?? Infinity) <= end;
}

// ---------------------------------------------------------------------------
// Shared regex fragments for "name, separator, value" secrets.

// A value inside "double quotes" (also \"escaped\" ones in JSON-in-a-string) or 'single quotes':
// the quotes stay, only the content is masked. The lookbehind picks the alternative matching
// the quote actually consumed before the group, so the secret is always one capture group.
const DQ = String.raw`(?<=")(?:[^"\n\\]|\\(?!"))+(?=\\?")`;
const SQ = String.raw`(?<=')[^'\n]+(?=')`;
const OPEN_QUOTE = String.raw`\\?["']?`;
// Unquoted value of key=value / key: value. Stops at shell metacharacters and braces; a
// trailing comma is left alone (JSON/YAML flow). It must end at a separator, so code like
// `password = getpass()` is not taken for a value.
const UNQ_ASSIGN = String.raw`(?<!["'])(?![\[{(])[^\s"'\x60;|&<>(){}]*[^\s"'\x60;|&<>(){},](?=[\s"'\x60;|&<>{}),]|$)`;
// Unquoted value of a CLI flag; never starts with `-` (that is the next flag).
const UNQ_FLAG = String.raw`(?<!["'])(?![-\[{(])[^\s"'\x60;|&<>()]+`;
// An existing mask is matched as a value on purpose: redact() then drops the hit (it overlaps
// the mask) and resumes after its start, instead of the regex trying a different, shorter
// reading of the same text on a second pass (`-pass pass:[REDACTED:…]` read as `-p ass`).
const MASK = String.raw`\[REDACTED:[a-z0-9_]+\]`;
const ASSIGN_VALUE = `${OPEN_QUOTE}(${MASK}|${DQ}|${SQ}|${UNQ_ASSIGN})`;
const FLAG_VALUE = `${OPEN_QUOTE}(${MASK}|${DQ}|${SQ}|${UNQ_FLAG})`;

// KEY=value, KEY: value, "key": "value", key := value, -Dkey=value.
// The lookbehind makes the key start at the beginning of its word (linear scanning); the
// lookahead is a cheap keyword filter before the real check in secretKeyKind().
function assignment(keywordLookahead: string): RegExp {
  return new RegExp(
    String.raw`(?<![\w.-])-{0,2}(?=[\w.-]*?(?:${keywordLookahead}))([A-Za-z_][\w.-]*)\\?["']?[ \t]*(?::=|=(?![=~])|:(?!:))[ \t]*` +
      ASSIGN_VALUE,
    'gi',
  );
}

// --name value / --name=value where the last word of the flag is a keyword.
function longFlag(keywords: string): string {
  return String.raw`(?<![\w-])--(?:[A-Za-z0-9]+[-_])*(?:${keywords})(?:[ \t]*=[ \t]*|[ \t]+)`;
}

const CURL = /\bcurl\b/g;
const MYSQL_CLIENT = /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlsh|mariadb(?:-dump|-admin)?)\b/g;
// Commands where `-p X` is a password (not a port, as in docker run / ssh / mysql -P).
const SHORT_P_PASSWORD_CLIENT = /\b(?:sshpass|(?:docker|podman|nerdctl|buildah|skopeo)[ \t]+login|helm[ \t]+registry[ \t]+login)\b/g;
const AUTH_SCHEMES = /^(?:bearer|basic|token|bot|digest|negotiate|ntlm|apikey|key)$/i;

// ---------------------------------------------------------------------------

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    name: 'private_key',
    description: 'PEM private key block (RSA, EC, DSA, OpenSSH, PGP, PKCS#8, encrypted); the BEGIN/END lines are kept',
    // The body is everything up to the END line (lines real or `\n`-escaped as in JSON). Without
    // an END (a truncated paste) it is the following run of base64/header characters: a
    // half-pasted key is still a key. The body must start with base64 or a header, so
    // `grep -- "-----BEGIN RSA PRIVATE KEY-----" f` is left alone. Stopping the lazy scan at
    // the next BEGIN keeps many unterminated BEGINs linear.
    regex:
      /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----((?:\s|\\[nr])*[A-Za-z0-9+/](?:(?:(?!-----BEGIN)[\s\S])*?(?=-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)|(?:[A-Za-z0-9+/=:,. \t\r\n-]|\\[nr])*))/g,
    group: 1,
    keywords: ['private key'],
  },
  {
    name: 'aws_access_key_id',
    description: 'AWS access key id: AKIA/ASIA/AGPA/AIDA/AROA/ANPA/ANVA/AIPA/ABIA/ACCA + 16 upper-case alphanumerics',
    regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    keywords: ['akia', 'asia', 'agpa', 'aida', 'aroa', 'anpa', 'anva', 'aipa', 'abia', 'acca'],
  },
  {
    name: 'github_token',
    description: 'GitHub token: ghp_/gho_/ghu_/ghs_/ghr_ + 36+ chars, or fine-grained github_pat_…',
    regex: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g,
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  },
  {
    name: 'gitlab_token',
    description: 'GitLab token: glpat- (personal), glptt- (trigger), gldt- (deploy), glrt- (runner), …',
    regex: /(?<![A-Za-z0-9_-])gl(?:pat|ptt|dt|rt|cbt|ft|soat|oas)-[A-Za-z0-9_-]{20,}/g,
    keywords: ['glpat-', 'glptt-', 'gldt-', 'glrt-', 'glcbt-', 'glft-', 'glsoat-', 'gloas-'],
  },
  {
    name: 'slack_token',
    description: 'Slack token: xoxb-/xoxp-/xoxa-/xoxr-/xoxs-/xoxe-, app-level xapp-',
    regex: /(?<![A-Za-z0-9_-])(?:xox[abeprs]|xapp)-[A-Za-z0-9-]{10,}/g,
    keywords: ['xox', 'xapp-'],
  },
  {
    name: 'slack_webhook',
    description: 'Slack incoming webhook: the path after hooks.slack.com/services/ is the credential',
    regex: /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_\/-]{20,})/g,
    group: 1,
    keywords: ['hooks.slack.com'],
  },
  {
    name: 'stripe_key',
    description: 'Stripe key: sk_live_/sk_test_/rk_live_/rk_test_/pk_live_, webhook secret whsec_',
    regex: /(?<![A-Za-z0-9_])(?:(?:[sr]k_(?:live|test)|pk_live)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{24,})/g,
    keywords: ['_live_', '_test_', 'whsec_'],
  },
  {
    name: 'npm_token',
    description: 'npm access token: npm_ + 36 chars',
    regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36,}/g,
    keywords: ['npm_'],
  },
  {
    name: 'anthropic_api_key',
    description: 'Anthropic API key: sk-ant-…',
    regex: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}/g,
    keywords: ['sk-ant-'],
  },
  {
    name: 'openai_api_key',
    description: 'OpenAI-style API key: sk-proj-/sk-svcacct-/sk-admin- + 20+, or sk- + 20+ alphanumerics',
    // Plain sk- keys are one unbroken alphanumeric run; requiring that (and no trailing `-`/`_`)
    // keeps kebab-case names like sk-prod-cluster-deployment-1 out.
    regex: /(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{20,}(?![A-Za-z0-9_-]))/g,
    keywords: ['sk-'],
  },
  {
    name: 'google_api_key',
    description: 'Google API key: AIza + 35 chars',
    regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35,}/g,
    keywords: ['aiza'],
  },
  {
    name: 'huggingface_token',
    description: 'Hugging Face token: hf_ + 30+ chars',
    regex: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}/g,
    keywords: ['hf_'],
  },
  {
    name: 'pulumi_token',
    description: 'Pulumi access token: pul- + 40 hex',
    regex: /(?<![A-Za-z0-9_-])pul-[a-f0-9]{40}(?![a-f0-9])/g,
    keywords: ['pul-'],
  },
  {
    name: 'twilio_api_key',
    description: 'Twilio API key sid: SK + 32 hex',
    regex: /(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])/g,
    keywords: ['sk'],
  },
  {
    name: 'jwt',
    description: 'JSON Web Token: eyJ header . eyJ payload . signature (base64url)',
    // Both header and payload are base64url JSON objects, hence both start with eyJ ('{"').
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    keywords: ['eyj'],
  },
  {
    name: 'aws_secret_access_key',
    description: 'AWS secret access key / session token assigned by name, or set with `aws configure set`',
    regex:
      /(?:\baws_?(?:secret_?access_?key|secret_?key|session_?token|security_?token)\\?["']?[ \t]*[:=][ \t]*\\?["']?|\baws[ \t]+configure[ \t]+set[ \t]+(?:[\w-]+\.)?aws_(?:secret_access_key|session_token)[ \t]+["']?)([A-Za-z0-9\/+=]{16,})/gi,
    group: 1,
    keywords: ['aws'],
  },
  {
    name: 'azure_storage_key',
    description: 'Azure storage / service bus key inside a connection string: AccountKey=…, SharedAccessKey=…',
    regex: /\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+\/=]{20,})/gi,
    group: 1,
    keywords: ['accountkey', 'sharedaccesskey'],
  },
  {
    name: 'authorization_header',
    description: 'HTTP Authorization / Proxy-Authorization credentials (Bearer, Basic, token, …); the scheme is kept',
    regex:
      /\bauthorization\\?["']?[ \t]*[:=][ \t]*\\?["']?(?:(?:bearer|basic|token|bot|digest|negotiate|ntlm|apikey|key)[ \t]+)?([^\s"'\\,;<>\x60]+)/gi,
    group: 1,
    keywords: ['authorization'],
    // `grep "Authorization: Bearer" log`: the scheme word alone is not a credential.
    validate: (secret) => !AUTH_SCHEMES.test(secret),
  },
  {
    name: 'url_credentials',
    description: 'Password in a URL: scheme://user:password@host (scheme, user and host are kept)',
    // The password may contain an unencoded `@`: it runs to the last `@` before the path.
    regex: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s:\/?#@"'<>\\]*:([^\s\/?#"'<>\\]+)@/g,
    group: 1,
    keywords: ['://'],
  },
  {
    name: 'basic_auth',
    description: 'curl -u / --user / --proxy-user user:password (the user is kept)',
    // Only in a curl command: `docker run -u 1000:1000` is a uid:gid.
    regex: /(?<![\w-])(?:-[A-Za-z]*[uU][ \t]*|--(?:proxy-)?user(?:[ \t]*=[ \t]*|[ \t]+))["']?[^\s:"'\x60;|&<>()]*:([^\s"'\x60;|&<>()]+)/g,
    group: 1,
    keywords: ['curl'],
    validate: (_secret, m) => commandHas(CURL, m),
  },
  {
    name: 'mysql_password',
    description: 'MySQL/MariaDB client password attached to -p (mysql -pSECRET); `-p` alone prompts, `-P` is the port',
    regex: new RegExp(String.raw`(?<!\S)-p` + FLAG_VALUE, 'g'),
    group: 1,
    keywords: ['mysql', 'mariadb'],
    validate: (_secret, m) => commandHas(MYSQL_CLIENT, m),
  },
  {
    name: 'password_flag',
    description: 'Password given as a CLI flag: --password X, --password=X, --db-pass X, sshpass -p X, docker login -p X, openssl -pass pass:X',
    regex: new RegExp(
      `(?:${longFlag('password|passwd|passphrase|pass')}|(?<![\\w-])-pass(?:in|out)?[ \\t]+pass:|(?<!\\S)(-p)[ \\t]*)` + FLAG_VALUE,
      'g',
    ),
    group: 2,
    keywords: ['pass', '-p'],
    // Short `-p` is a port or something else for most commands; only trust it for known clients.
    validate: (_secret, m) => m[1] === undefined || commandHas(SHORT_P_PASSWORD_CLIENT, m),
  },
  {
    name: 'secret_flag',
    description: 'Token or key given as a CLI flag: --token, --api-key, --secret, --client-secret, --auth-token, --access-key, …',
    regex: new RegExp(
      longFlag('token|secret|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|private[-_]?key|auth[-_]?key') + FLAG_VALUE,
      'g',
    ),
    group: 1,
    keywords: ['--'],
    validate: (secret) => plausibleSecretValue(secret),
  },
  {
    name: 'password',
    description: 'Value assigned to a password-named key: DB_PASSWORD=…, password: …, "passwd": "…", -Ddb.password=…',
    regex: assignment('pass|pwd'),
    group: 2,
    keywords: ['pass', 'pwd'],
    validate: (secret, m) => secretKeyKind(m[1] ?? '') === 'password' && plausibleSecretValue(secret),
  },
  {
    name: 'secret',
    description: 'Value assigned to a secret-named key: *SECRET*, *TOKEN, *API_KEY*/APIKEY, *ACCESS_KEY*, *PRIVATE_KEY*, *CREDENTIAL*',
    regex: assignment('secret|token|key|credential'),
    group: 2,
    keywords: ['secret', 'token', 'key', 'credential'],
    validate: (secret, m) => secretKeyKind(m[1] ?? '') === 'secret' && plausibleSecretValue(secret),
  },
];
