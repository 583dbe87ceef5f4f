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

import { RANDOM_TOKEN, looksRandom } from './entropy.js';

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

// Words before `key` that make it a secret: API_KEY, ACCESS_KEY, PRIVATE_KEY, …; also glued
// into one word (SIGNINGKEY, LICENSEKEY). Not `storage`, `session`, `app`, `cipher`, `crypto`:
// in code storageKey/sessionKey/appKey name a lookup key and CipherKey/CryptoKey are types. A bare
// KEY is left to the entropy rule: `KEY=us-east` and `KEY=id_rsa` are common and not secret.
const SECRET_KEY_QUALIFIERS = [
  'api', 'access', 'private', 'secret', 'auth', 'signing', 'encryption', 'master', 'client', 'account',
  'license', 'hmac', 'shared', 'jwt', 'webhook', 'deploy', 'subscription',
];
const SECRET_KEY_QUALIFIER_SET = new Set(SECRET_KEY_QUALIFIERS);
const GLUED_SECRET_KEY = new RegExp(`(?:${SECRET_KEY_QUALIFIERS.join('|')})key$`);

// One-word names ending in `pass` that are not passwords: GIT_ASKPASS/SSH_ASKPASS hold a program,
// NOPASSWD is a sudoers tag, the rest are ordinary words.
const NOT_PASSWORD_WORDS = new Set([
  'askpass', 'nopasswd', 'nopass', 'bypass', 'compass', 'encompass', 'surpass', 'trespass', 'overpass',
  'underpass', 'multipass', 'onepass', 'singlepass', 'twopass', 'firstpass', 'highpass', 'lowpass',
  'bandpass', 'allpass', 'subpass', 'renderpass', 'oldpwd',
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
  if (last === undefined) return undefined;
  // A service-account JSON's "private_key_id" names the key; the issue counts it as part of the secret.
  if (words.length >= 3 && last === 'id' && words[words.length - 2] === 'key' && words[words.length - 3] === 'private') return 'secret';
  if (NON_SECRET_KEY_SUFFIXES.has(last)) return undefined;
  // DB_PASSWORD, PGPASSWORD, passphrase, passcode; PASS, DB_PASS, SSHPASS, PW, DB_PW, MYSQL_PWD;
  // not PWD/OLDPWD (directories), GIT_ASKPASS (a program) or NOPASSWD (a sudoers tag).
  if (words.some((w) => /password|passwd|passphrase|passcode/.test(w) && !NOT_PASSWORD_WORDS.has(w))) return 'password';
  if (!NOT_PASSWORD_WORDS.has(last)) {
    if (last.endsWith('pass') || last === 'pw') return 'password';
    if (last.endsWith('pwd') && (words.length > 1 || last !== 'pwd')) return 'password';
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w.includes('secret')) return 'secret';
    // GITHUB_TOKEN, accessToken, NODE_AUTH_TOKEN; not max_tokens, tokenizer.
    if (w.endsWith('token')) return 'secret';
    if (GLUED_SECRET_KEY.test(w)) return 'secret';
    if (w.startsWith('credential')) return 'secret';
    // {"Authorization": "Bearer …"} in a headers object (in text the authorization_header pattern applies).
    if (w === 'authorization') return 'secret';
    if (w === 'key' && i > 0 && SECRET_KEY_QUALIFIER_SET.has(words[i - 1] ?? '')) return 'secret';
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

// Context for clientBefore(), computed once per (text, regex): where the command names occur,
// and the start of the command the last hit was in. Hits of one pattern come in increasing
// order, so the scan for separators only moves forward: linear in the text, whatever the
// number of hits. There is no look-back limit on purpose: a limit would make the answer
// depend on the length of earlier masks, and redaction would stop being idempotent.
const MASK_BEFORE = /\[REDACTED:[a-z0-9_]+$/;
let commandCache:
  | { input: string; re: RegExp; hits: RegExpExecArray[]; upTo: number; commandStart: number }
  | undefined;

/**
 * The last occurrence of `re` (a global regex) before the match in the shell command the match
 * belongs to (the text since the last newline, `;`, `|` or `&`), or undefined.
 */
function clientBefore(re: RegExp, match: RegExpExecArray): RegExpExecArray | undefined {
  const input = match.input;
  const end = match.index;
  let c = commandCache;
  if (c === undefined || c.re !== re || c.input !== input || end < c.upTo) {
    c = commandCache = { input, re, hits: [...input.matchAll(re)] as RegExpExecArray[], upTo: 0, commandStart: 0 };
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
  // Last occurrence ending before the match (binary search; hits do not overlap, so ends are
  // sorted); it must start in this command.
  let lo = 0;
  let hi = c.hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const h = c.hits[mid];
    if (h !== undefined && h.index + h[0].length <= end) lo = mid + 1;
    else hi = mid;
  }
  const last = c.hits[lo - 1];
  return last !== undefined && last.index >= c.commandStart ? last : undefined;
}

/** Whether `re` occurs before the match in the match's shell command. */
function commandHas(re: RegExp, match: RegExpExecArray): boolean {
  return clientBefore(re, match) !== undefined;
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

// .netrc words are separated by blanks, or by a literal `\n` inside printf/echo -e arguments.
const NETRC_SEP = String.raw`(?:[ \t]|\\n)+`;
const NETRC_WORD = String.raw`(?:[^\s\\"'\x60;|&<>()]|\\(?!n))+`;
const NETRC_VALUE = `${OPEN_QUOTE}(${MASK}|${DQ}|${SQ}|(?<!["'])${NETRC_WORD})`;

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
// Commands whose short flag takes a password: `-p X` (not a port, as in docker run / ssh /
// redis-cli), `redis-cli -a X`, `ldapsearch -w X` (`-W` prompts), `ldappasswd -a OLD -s NEW`.
// One regex for all, so the nearest client before a flag decides. A client is a command word:
// not a container name (`--name mongo`), an image (`mongo:7`) or part of a longer name.
const PASSWORD_CLIENT = new RegExp(
  String.raw`(?<![\w:=@.-])(?<!--name[ \t=])(?:sshpass|(?:docker|podman|nerdctl|buildah|skopeo|az)[ \t]+login|helm[ \t]+registry[ \t]+login|` +
    String.raw`mongo(?:sh|dump|restore|export|import|stat|top|files)?|redis-cli|redis-benchmark|ldap(?:search|add|modify|delete|modrdn|passwd|whoami|compare|exop))(?![\w:@.-])`,
  'g',
);

function passwordFlagLetters(client: string): string {
  if (client.startsWith('ldappasswd')) return 'was';
  if (client.startsWith('ldap')) return 'w';
  if (client.startsWith('redis')) return 'a';
  return 'p';
}

// Scan state of sshpassOptionsOnly(), so the words after one `sshpass` are read once however
// many flags follow it (hits come in increasing order).
let sshpassScan: { input: string; from: number; pos: number; optionsOnly: boolean; argNext: boolean } | undefined;

/**
 * Whether `sshpass <options>` (options from `from`) is still reading its own options at `to`:
 * once a word that is not an option appears, the wrapped command has started
 * (`sshpass -f f ssh -p 22`: that -p is ssh's port).
 */
function sshpassOptionsOnly(input: string, from: number, to: number): boolean {
  let s = sshpassScan;
  if (s === undefined || s.input !== input || s.from !== from || to < s.pos) {
    s = sshpassScan = { input, from, pos: from, optionsOnly: true, argNext: false };
  }
  if (s.optionsOnly) {
    // `to` is the start of a flag, so it never cuts a word in two.
    for (const w of input.slice(s.pos, to).split(/[ \t]+/)) {
      if (w.length === 0) continue;
      if (s.argNext) {
        s.argNext = false;
      } else if (!w.startsWith('-')) {
        s.optionsOnly = false;
        break;
      } else {
        s.argNext = /^-[fdpP]$/.test(w); // an option whose argument is the next word
      }
    }
  }
  s.pos = to;
  return s.optionsOnly;
}

/** Whether short flag `-<letter>` at the match is a password flag of the client it belongs to. */
function shortPasswordFlag(letter: string, m: RegExpExecArray): boolean {
  const client = clientBefore(PASSWORD_CLIENT, m);
  if (client === undefined || !passwordFlagLetters(client[0]).includes(letter)) return false;
  return client[0] !== 'sshpass' || sshpassOptionsOnly(m.input, client.index + client[0].length, m.index);
}

// `pass` alone is an English word and a common loop variable (`for (let pass = 0; …)`,
// "validation pass: valid"): as a key in text it must be upper case (`PASS=…`) or quoted (`"pass": …`).
const englishPass = (m: RegExpExecArray): boolean => /^-{0,2}pass[ \t]*[:=]/i.test(m[0]) && !/^-{0,2}PASS[ \t]*[:=]/.test(m[0]);
const DIGEST_NAME = /(?:md5|sha-?(?:1|224|256|384|512)|checksum|digest|integrity)(?:sum)?$/i;
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
    name: 'vault_token',
    description: 'HashiCorp Vault token: hvs. (service), hvb. (batch), hvr. (recovery) + 24+ chars',
    regex: /(?<![A-Za-z0-9_.-])hv[sbr]\.[A-Za-z0-9_-]{24,}/g,
    keywords: ['hvs.', 'hvb.', 'hvr.'],
  },
  {
    name: 'telegram_bot_token',
    description: 'Telegram bot token: bot id (8-10 digits) : 35 chars, also inside api.telegram.org/bot<token>/',
    regex: /(?:(?<=\/bot)|(?<![A-Za-z0-9_:-]))[0-9]{8,10}:[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g,
    keywords: [':'],
    // Real tokens mix cases and digits; `12345678:some-kebab-case-name-of-35-chars` is not one.
    validate: (secret) => /[A-Z]/.test(secret) && /[a-z]/.test(secret),
  },
  {
    name: 'discord_webhook',
    description: 'Discord webhook: the token after discord.com/api/webhooks/<id>/ (the id is kept)',
    regex: /discord(?:app)?\.com\/api\/(?:v[0-9]+\/)?webhooks\/[0-9]{15,25}\/([A-Za-z0-9_-]{20,})/g,
    group: 1,
    keywords: ['discord'],
  },
  {
    name: 'digitalocean_token',
    description: 'DigitalOcean token: dop_v1_ (personal), doo_v1_ (OAuth), dor_v1_ (refresh) + 64 hex',
    regex: /(?<![A-Za-z0-9_])do[por]_v1_[a-f0-9]{64}(?![A-Za-z0-9])/g,
    keywords: ['_v1_'],
  },
  {
    name: 'sendgrid_api_key',
    description: 'SendGrid API key: SG.<22>.<43>',
    regex: /(?<![A-Za-z0-9_.-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
    keywords: ['sg.'],
  },
  {
    name: 'mailgun_api_key',
    description: 'Mailgun API key: key- + 32 hex',
    regex: /(?<![A-Za-z0-9_-])key-[0-9a-f]{32}(?![A-Za-z0-9_-])/g,
    keywords: ['key-'],
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
    name: 'netrc_password',
    description: '.netrc password: `machine h login u password X` (also with literal \\n between words), or a line `password X`',
    // Either a whole entry on one line (it needs `login`, so prose like "machine learning
    // password reset" is left alone), or a line holding only `[login u] password X`, as in a
    // multi-line .netrc written with a heredoc.
    regex: new RegExp(
      String.raw`(?:(?<![\w.-])(?:machine${NETRC_SEP}${NETRC_WORD}|default)(?:${NETRC_SEP}(?:account|port|protocol)${NETRC_SEP}${NETRC_WORD})*` +
        String.raw`${NETRC_SEP}login${NETRC_SEP}${NETRC_WORD}(?:${NETRC_SEP}(?:account|port|protocol)${NETRC_SEP}${NETRC_WORD})*${NETRC_SEP}` +
        String.raw`|^[ \t]*(?:login[ \t]+\S+[ \t]+)?(?=password[ \t]+\S+[ \t]*$))password${NETRC_SEP}` +
        NETRC_VALUE,
      'gm',
    ),
    group: 1,
    keywords: ['password'],
    validate: (secret) => plausibleSecretValue(secret),
  },
  {
    name: 'password_flag',
    description:
      'Password given as a CLI flag: --password X, --password=X, --db-pass X, sshpass -p X, docker/az login -p X, mongo -p X, redis-cli -a X, ldapsearch -w X, openssl -pass pass:X',
    regex: new RegExp(
      `(?:${longFlag('password|passwd|passphrase|pass')}|(?<![\\w-])-pass(?:in|out)?[ \\t]+pass:|(?<!\\S)-([pwas])[ \\t]*)` + FLAG_VALUE,
      'g',
    ),
    group: 2,
    // Long flags and `-pass pass:` contain `pass`; a short flag counts only after a client, and
    // every client name contains one of the others (sshpass, docker/az/helm … login).
    keywords: ['pass', 'login', 'mongo', 'redis', 'ldap'],
    // Short flags are a port, a mode or something else for most commands; only trust them for known clients.
    validate: (_secret, m) => m[1] === undefined || shortPasswordFlag(m[1], m),
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
    description: 'Value assigned to a password-named key: DB_PASSWORD=…, PASS=…, SSHPASS=…, PW=…, MYSQL_PWD=…, password: …, "passwd": "…", -Ddb.password=…',
    regex: assignment('pass|pw'),
    group: 2,
    keywords: ['pass', 'pw'],
    validate: (secret, m) => secretKeyKind(m[1] ?? '') === 'password' && !englishPass(m) && plausibleSecretValue(secret),
  },
  {
    name: 'secret',
    description: 'Value assigned to a secret-named key: *SECRET*, *TOKEN, *API_KEY*/APIKEY, *ACCESS_KEY*, *PRIVATE_KEY*, *CREDENTIAL*',
    regex: assignment('secret|token|key|credential'),
    group: 2,
    keywords: ['secret', 'token', 'key', 'credential'],
    validate: (secret, m) => secretKeyKind(m[1] ?? '') === 'secret' && plausibleSecretValue(secret),
  },
  {
    name: 'high_entropy',
    description: 'Random-looking value assigned to any variable or URL parameter: FOO=<40 hex>, SALT=<base64>, ?X-Amz-Signature=…',
    // Last: a value that a named pattern also covers is named by that pattern.
    regex: new RegExp(
      String.raw`(?<![\w.$/:@%+-])([A-Za-z_][\w.-]{0,127})=(?!=)${OPEN_QUOTE}(${MASK}|(?<=["'])${RANDOM_TOKEN}(?=\\?["'])|(?<!["'])${RANDOM_TOKEN}(?![^\s"'\x60;|&<>(){},]))`,
      'g',
    ),
    group: 2,
    keywords: ['='],
    // A name that says "checksum" (`#md5=…`, `SHA256SUM=…`, `integrity=…`) holds a public digest.
    validate: (secret, m) => !DIGEST_NAME.test(m[1] ?? '') && looksRandom(secret),
  },
];
