import { describe, it, expect } from 'vitest';
import { redact, redactString, redactDeep, redactionMask, secretKeyKind, SECRET_PATTERNS } from '../src/redact/index.js';
import { looksRandom } from '../src/redact/entropy.js';
import { buildKeywordIndex, matchingPatterns } from '../src/redact/keywords.js';

// Fake, correctly shaped secrets, built at run time so no secret-looking literal sits in the repo.
const rep = (s: string, n: number): string => s.repeat(n);
const M = (kind: string): string => redactionMask(kind);

const ghp = 'ghp_' + rep('a1B2', 9);
const awsKeyId = 'AKIA' + rep('X7', 8);
const awsSecret = rep('abCD/ef+GH', 4);
const jwt = 'eyJ' + rep('hdr', 4) + '.eyJ' + rep('pay', 8) + '.' + rep('sig_-', 6);
const pemBody = ['MIIEpAIBAAKCAQEA' + rep('q', 48), rep('Z', 64), rep('w', 20) + '=='].join('\n');
// Deterministic pseudo-random strings (xorshift32): shaped like real keys, identical on every run.
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
function pseudo(alphabet: string, n: number, seed: number): string {
  let x = seed >>> 0 || 1;
  let s = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s += alphabet[x % alphabet.length];
  }
  return s;
}
const hex40 = pseudo(HEX, 40, 7);
const hex64 = pseudo(HEX, 64, 8);
const b64salt = Buffer.from(pseudo(B62 + '+/', 33, 9)).toString('base64'); // 44 chars, ends in '='
const token32 = pseudo(B62, 32, 10);
const uuid = '550e8400-e29b-41d4-a716-446655440000';
const pem = (kind: string): string => `-----BEGIN ${kind}PRIVATE KEY-----\n${pemBody}\n-----END ${kind}PRIVATE KEY-----`;

// [kind, input, expected output]
const positives: Array<[string, string, string]> = [
  // private_key
  ['private_key', pem('RSA '), `-----BEGIN RSA PRIVATE KEY-----${M('private_key')}-----END RSA PRIVATE KEY-----`],
  ['private_key', `key:\n${pem('OPENSSH ')}\ndone`, `key:\n-----BEGIN OPENSSH PRIVATE KEY-----${M('private_key')}-----END OPENSSH PRIVATE KEY-----\ndone`],
  ['private_key', `{"k":"${pem('').replace(/\n/g, '\\n')}\\n"}`, `{"k":"-----BEGIN PRIVATE KEY-----${M('private_key')}-----END PRIVATE KEY-----\\n"}`],
  ['private_key', `-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE${rep('t', 30)}`, `-----BEGIN EC PRIVATE KEY-----${M('private_key')}`],
  // aws_access_key_id, every prefix
  ...['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'ANPA', 'ANVA', 'AIPA'].map((p): [string, string, string] => [
    'aws_access_key_id',
    `aws iam get-access-key-last-used --access-key-id ${p}${rep('Q3', 8)}`,
    `aws iam get-access-key-last-used --access-key-id ${M('aws_access_key_id')}`,
  ]),
  ['aws_access_key_id', `AWS_ACCESS_KEY_ID=${awsKeyId}`, `AWS_ACCESS_KEY_ID=${M('aws_access_key_id')}`],
  // aws_secret_access_key
  ['aws_secret_access_key', `export AWS_SECRET_ACCESS_KEY=${awsSecret}`, `export AWS_SECRET_ACCESS_KEY=${M('aws_secret_access_key')}`],
  ['aws_secret_access_key', `aws_secret_access_key = ${awsSecret}`, `aws_secret_access_key = ${M('aws_secret_access_key')}`],
  ['aws_secret_access_key', `AWS_SESSION_TOKEN="${awsSecret}${awsSecret}"`, `AWS_SESSION_TOKEN="${M('aws_secret_access_key')}"`],
  ['aws_secret_access_key', `aws configure set aws_secret_access_key ${awsSecret}`, `aws configure set aws_secret_access_key ${M('aws_secret_access_key')}`],
  // github_token
  ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'].map((p): [string, string, string] => ['github_token', `token ${p}${rep('Ab9', 12)} used`, `token ${M('github_token')} used`]),
  ['github_token', `GH_TOKEN=github_pat_${rep('1A', 11)}_${rep('z', 59)}`, `GH_TOKEN=${M('github_token')}`],
  ['github_token', `export GITHUB_TOKEN=${ghp}`, `export GITHUB_TOKEN=${M('github_token')}`],
  ['github_token', `git clone https://${ghp}@github.com/o/r.git`, `git clone https://${M('github_token')}@github.com/o/r.git`],
  // gitlab_token
  ['gitlab_token', `glab auth login --hostname gitlab.com glpat-${rep('xY_1', 5)}`, `glab auth login --hostname gitlab.com ${M('gitlab_token')}`],
  // slack
  ...['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-'].map((p): [string, string, string] => ['slack_token', `SLACK=${p}1234567890-${rep('aB', 12)}`, `SLACK=${M('slack_token')}`]),
  [
    'slack_webhook',
    `curl -X POST https://hooks.slack.com/services/T${rep('0', 8)}/B${rep('1', 8)}/${rep('X', 24)} -d '{}'`,
    `curl -X POST https://hooks.slack.com/services/${M('slack_webhook')} -d '{}'`,
  ],
  // stripe
  ...['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'pk_live_'].map((p): [string, string, string] => ['stripe_key', `stripe login --api ${p}${rep('4eC3', 6)}`, `stripe login --api ${M('stripe_key')}`]),
  // npm
  ['npm_token', `//registry.npmjs.org/:_authToken=npm_${rep('aZ9', 12)}`, `//registry.npmjs.org/:_authToken=${M('npm_token')}`],
  // jwt
  ['jwt', `jwt decode ${jwt}`, `jwt decode ${M('jwt')}`],
  ['jwt', `curl -H "Authorization: Bearer ${jwt}" https://api.example.com`, `curl -H "Authorization: Bearer ${M('jwt')}" https://api.example.com`],
  // google
  ['google_api_key', `https://maps.googleapis.com/maps/api/geocode/json?address=x&key=AIza${rep('Sy-_', 8)}abc`, `https://maps.googleapis.com/maps/api/geocode/json?address=x&key=${M('google_api_key')}`],
  // openai / anthropic
  ['openai_api_key', `OPENAI_API_KEY=sk-${rep('T3Bl', 12)} python app.py`, `OPENAI_API_KEY=${M('openai_api_key')} python app.py`],
  ['openai_api_key', `openai --api-key sk-proj-${rep('a_B-', 10)} chat`, `openai --api-key ${M('openai_api_key')} chat`],
  ['anthropic_api_key', `export ANTHROPIC_API_KEY='sk-ant-api03-${rep('Xy9_', 12)}'`, `export ANTHROPIC_API_KEY='${M('anthropic_api_key')}'`],
  // hugging face, pulumi, azure, twilio
  ['huggingface_token', `huggingface-cli login --token hf_${rep('aB1', 11)}`, `huggingface-cli login --token ${M('huggingface_token')}`],
  ['pulumi_token', `PULUMI_ACCESS_TOKEN=pul-${rep('0a1b', 10)}`, `PULUMI_ACCESS_TOKEN=${M('pulumi_token')}`],
  [
    'azure_storage_key',
    `az storage blob list --connection-string "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${rep('Ab+/', 22)}==;EndpointSuffix=core.windows.net"`,
    `az storage blob list --connection-string "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${M('azure_storage_key')};EndpointSuffix=core.windows.net"`,
  ],
  ['twilio_api_key', `twilio login --api-key-sid SK${rep('0f', 16)}`, `twilio login --api-key-sid ${M('twilio_api_key')}`],
  // authorization headers
  ['authorization_header', `curl -H 'Authorization: Bearer abc.DEF_123-xyz' https://x`, `curl -H 'Authorization: Bearer ${M('authorization_header')}' https://x`],
  ['authorization_header', `curl -H "Authorization: Basic dXNlcjpwYXNz" https://x`, `curl -H "Authorization: Basic ${M('authorization_header')}" https://x`],
  ['authorization_header', `http GET api authorization:"token abcdef0123"`, `http GET api authorization:"token ${M('authorization_header')}"`],
  ['authorization_header', `{"headers": {"Authorization": "Bearer abc123def456"}}`, `{"headers": {"Authorization": "Bearer ${M('authorization_header')}"}}`],
  // URL credentials
  ['url_credentials', 'git clone https://alice:s3cr3t@github.com/x/y.git', `git clone https://alice:${M('url_credentials')}@github.com/x/y.git`],
  ['url_credentials', 'psql postgres://app:p@ss:w0rd@db.internal:5432/app', `psql postgres://app:${M('url_credentials')}@db.internal:5432/app`],
  ['url_credentials', 'redis-cli -u redis://:hunter2@cache:6379/0', `redis-cli -u redis://:${M('url_credentials')}@cache:6379/0`],
  ['url_credentials', 'DATABASE_URL=mysql+pymysql://root:toor@localhost/db', `DATABASE_URL=mysql+pymysql://root:${M('url_credentials')}@localhost/db`],
  // curl basic auth
  ['basic_auth', 'curl -u alice:hunter2 https://x', `curl -u alice:${M('basic_auth')} https://x`],
  ['basic_auth', 'curl -sS --user "bob:s3cret" https://x', `curl -sS --user "bob:${M('basic_auth')}" https://x`],
  ['basic_auth', 'curl --user=bob:pw https://x', `curl --user=bob:${M('basic_auth')} https://x`],
  // mysql -pSECRET
  ['mysql_password', 'mysql -u root -pS3cret! mydb', `mysql -u root -p${M('mysql_password')} mydb`],
  ['mysql_password', `mysqldump -uroot -p'pa ss' db > dump.sql`, `mysqldump -uroot -p'${M('mysql_password')}' db > dump.sql`],
  ['mysql_password', 'mysqladmin -u root -phunter2 status', `mysqladmin -u root -p${M('mysql_password')} status`],
  ['mysql_password', 'docker exec -it db mysql -uroot -proot', `docker exec -it db mysql -uroot -p${M('mysql_password')}`],
  // password flags
  ['password_flag', 'tool --password hunter2 --verbose', `tool --password ${M('password_flag')} --verbose`],
  ['password_flag', 'tool --password=hunter2', `tool --password=${M('password_flag')}`],
  ['password_flag', 'tool --db-password "two words"', `tool --db-password "${M('password_flag')}"`],
  ['password_flag', 'sshpass -p hunter2 ssh user@host', `sshpass -p ${M('password_flag')} ssh user@host`],
  ['password_flag', 'docker login -u me -p hunter2 registry.example.com', `docker login -u me -p ${M('password_flag')} registry.example.com`],
  ['password_flag', 'openssl pkcs12 -export -passout pass:hunter2 -out x.p12', `openssl pkcs12 -export -passout pass:${M('password_flag')} -out x.p12`],
  // secret flags
  ['secret_flag', 'kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef', `kubeadm join 10.0.0.1:6443 --token ${M('secret_flag')}`],
  ['secret_flag', 'vercel deploy --token=abc123xyz', `vercel deploy --token=${M('secret_flag')}`],
  ['secret_flag', 'tool --api-key k3y --secret s3c --client-secret c5 --auth-token t0k', `tool --api-key ${M('secret_flag')} --secret ${M('secret_flag')} --client-secret ${M('secret_flag')} --auth-token ${M('secret_flag')}`],
  // password assignments
  ['password', 'DB_PASSWORD=hunter2 ./run.sh', `DB_PASSWORD=${M('password')} ./run.sh`],
  ['password', "export PGPASSWORD='hunter2'", `export PGPASSWORD='${M('password')}'`],
  ['password', 'docker run -e MYSQL_ROOT_PASSWORD=hunter2 -p 3306:3306 mysql', `docker run -e MYSQL_ROOT_PASSWORD=${M('password')} -p 3306:3306 mysql`],
  ['password', 'password: hunter2', `password: ${M('password')}`],
  ['password', '{"user": "bob", "password": "hunter2"}', `{"user": "bob", "password": "${M('password')}"}`],
  ['password', '{"password":1234,"user":"bob"}', `{"password":${M('password')},"user":"bob"}`],
  ['password', 'mvn deploy -Ddb.password=hunter2', `mvn deploy -Ddb.password=${M('password')}`],
  ['password', 'kubectl create secret generic db --from-literal=password=hunter2', `kubectl create secret generic db --from-literal=password=${M('password')}`],
  ['password', `bash -c "echo {\\"passwd\\":\\"hunter2\\"}"`, `bash -c "echo {\\"passwd\\":\\"${M('password')}\\"}"`],
  // secret assignments
  ['secret', 'export MY_SERVICE_TOKEN=abc123', `export MY_SERVICE_TOKEN=${M('secret')}`],
  ['secret', 'CLIENT_SECRET="s3cr3t value"', `CLIENT_SECRET="${M('secret')}"`],
  ['secret', 'STRIPE_API_KEY=abc APIKEY=def x_access_key=ghi', `STRIPE_API_KEY=${M('secret')} APIKEY=${M('secret')} x_access_key=${M('secret')}`],
  ['secret', 'SIGNING_PRIVATE_KEY=abc GOOGLE_CREDENTIALS=xyz', `SIGNING_PRIVATE_KEY=${M('secret')} GOOGLE_CREDENTIALS=${M('secret')}`],
  ['secret', 'api_key: "abc123"', `api_key: "${M('secret')}"`],
  ['secret', "curl -H 'X-API-Key: abc123' https://x", `curl -H 'X-API-Key: ${M('secret')}' https://x`],
  ['secret', 'curl "https://api.example.com/v1?access_token=abc123&page=2"', `curl "https://api.example.com/v1?access_token=${M('secret')}&page=2"`],
  // issue 8 / defect 12: gaps found by an attacker
  ['password', `SSHPASS=hunter2 sshpass -e ssh user@host`, `SSHPASS=${M('password')} sshpass -e ssh user@host`],
  ['password', 'PASS=hunter2 PW=s3cret PASSWD=x1 ./deploy.sh', `PASS=${M('password')} PW=${M('password')} PASSWD=${M('password')} ./deploy.sh`],
  ['password', 'DB_PASS=a1 MYSQL_PWD=a2 PGPASSWORD=a3 DB_PW=a4 ROOTPASS=a5 psql', `DB_PASS=${M('password')} MYSQL_PWD=${M('password')} PGPASSWORD=${M('password')} DB_PW=${M('password')} ROOTPASS=${M('password')} psql`],
  ['password', '{"pass": "hunter2", "pw": "hunter3"}', `{"pass": "${M('password')}", "pw": "${M('password')}"}`],
  ['netrc_password', 'echo "machine api.heroku.com login me@example.com password hunter2" >> ~/.netrc', `echo "machine api.heroku.com login me@example.com password ${M('netrc_password')}" >> ~/.netrc`],
  ['netrc_password', String.raw`printf 'machine github.com\nlogin bob\npassword hunter2\n' > ~/.netrc`, String.raw`printf 'machine github.com\nlogin bob\npassword ${M('netrc_password')}\n' > ~/.netrc`],
  ['netrc_password', 'cat > ~/.netrc <<EOF\nmachine example.com\n  login bob\n  password hunter2\nEOF', `cat > ~/.netrc <<EOF\nmachine example.com\n  login bob\n  password ${M('netrc_password')}\nEOF`],
  ['netrc_password', 'default login anonymous password hunter2', `default login anonymous password ${M('netrc_password')}`],
  ['password_flag', 'az login -u me@example.com -p hunter2', `az login -u me@example.com -p ${M('password_flag')}`],
  ['password_flag', 'az login --service-principal -u http://app -p hunter2 --tenant t', `az login --service-principal -u http://app -p ${M('password_flag')} --tenant t`],
  ['password_flag', 'az login --password hunter2', `az login --password ${M('password_flag')}`],
  ['secret', `{"type": "service_account", "private_key_id": "${hex40}", "client_id": "1234"}`, `{"type": "service_account", "private_key_id": "${M('secret')}", "client_id": "1234"}`],
  // The key name covers the whole value (BEGIN/END lines included), so the longer `secret` hit names the mask.
  ['secret', `{"private_key": "${pem('').replace(/\n/g, '\\n')}\\n", "client_email": "sa@p.iam.gserviceaccount.com"}`, `{"private_key": "${M('secret')}", "client_email": "sa@p.iam.gserviceaccount.com"}`],
  ['password_flag', 'redis-cli -h cache -p 6379 -a hunter2 ping', `redis-cli -h cache -p 6379 -a ${M('password_flag')} ping`],
  ['password_flag', 'redis-cli --pass hunter2 ping', `redis-cli --pass ${M('password_flag')} ping`],
  ['password_flag', 'docker exec -it cache redis-cli -a "hunter 2" info', `docker exec -it cache redis-cli -a "${M('password_flag')}" info`],
  ['password_flag', 'ldapsearch -x -D cn=admin,dc=example,dc=com -w hunter2 -b dc=example,dc=com', `ldapsearch -x -D cn=admin,dc=example,dc=com -w ${M('password_flag')} -b dc=example,dc=com`],
  ['password_flag', 'ldapmodify -D cn=admin -whunter2 -f x.ldif', `ldapmodify -D cn=admin -w${M('password_flag')} -f x.ldif`],
  ['password_flag', 'ldappasswd -D cn=admin -w pw1 -a pw2 -s pw3 uid=bob', `ldappasswd -D cn=admin -w ${M('password_flag')} -a ${M('password_flag')} -s ${M('password_flag')} uid=bob`],
  ['password_flag', 'mongo -u admin -p hunter2 --authenticationDatabase admin', `mongo -u admin -p ${M('password_flag')} --authenticationDatabase admin`],
  ['password_flag', 'mongosh --username admin --password hunter2', `mongosh --username admin --password ${M('password_flag')}`],
  ['password_flag', 'mongodump -u admin -p hunter2 --db app', `mongodump -u admin -p ${M('password_flag')} --db app`],
  ['url_credentials', 'mongosh "mongodb+srv://app:hunter2@cluster0.example.mongodb.net/db"', `mongosh "mongodb+srv://app:${M('url_credentials')}@cluster0.example.mongodb.net/db"`],
  ['vault_token', `vault login hvs.${pseudo(B62, 90, 11)}`, `vault login ${M('vault_token')}`],
  ['vault_token', `export VAULT_TOKEN=hvb.${pseudo(B62, 130, 12)}; vault kv get x`, `export VAULT_TOKEN=${M('vault_token')}; vault kv get x`],
  ['vault_token', `vault operator generate-root -decode=hvr.${pseudo(B62, 30, 13)}`, `vault operator generate-root -decode=${M('vault_token')}`],
  ['telegram_bot_token', `curl https://api.telegram.org/bot123456789:AA${pseudo(B62, 33, 14)}/sendMessage -d chat_id=1`, `curl https://api.telegram.org/bot${M('telegram_bot_token')}/sendMessage -d chat_id=1`],
  ['telegram_bot_token', `TG=1234567890:AA${pseudo(B62 + '_-', 33, 15)} node bot.js`, `TG=${M('telegram_bot_token')} node bot.js`],
  ['discord_webhook', `curl -X POST https://discord.com/api/webhooks/123456789012345678/${pseudo(B62 + '_-', 68, 16)} -d '{}'`, `curl -X POST https://discord.com/api/webhooks/123456789012345678/${M('discord_webhook')} -d '{}'`],
  ['discord_webhook', `curl https://discordapp.com/api/webhooks/123456789012345678/${pseudo(B62, 68, 17)}`, `curl https://discordapp.com/api/webhooks/123456789012345678/${M('discord_webhook')}`],
  ...['dop_v1_', 'doo_v1_', 'dor_v1_'].map((p, i): [string, string, string] => ['digitalocean_token', `doctl auth init -t ${p}${pseudo(HEX, 64, 18 + i)}`, `doctl auth init -t ${M('digitalocean_token')}`]),
  ['sendgrid_api_key', `curl -H "X-Mail-Key: SG.${pseudo(B62, 22, 21)}.${pseudo(B62 + '_-', 43, 22)}" https://api.sendgrid.com`, `curl -H "X-Mail-Key: ${M('sendgrid_api_key')}" https://api.sendgrid.com`],
  ['mailgun_api_key', `curl -s --user api:key-${pseudo(HEX, 32, 23)} https://api.mailgun.net/v3/x/messages`, `curl -s --user api:${M('mailgun_api_key')} https://api.mailgun.net/v3/x/messages`],
  // High-entropy values under any name (see looksRandom in patterns.ts).
  ['high_entropy', `export FOO=${hex40}`, `export FOO=${M('high_entropy')}`],
  ['high_entropy', `BUILD_SALT=${b64salt} make`, `BUILD_SALT=${M('high_entropy')} make`],
  ['high_entropy', `X=${token32} ./run`, `X=${M('high_entropy')} ./run`],
  ['high_entropy', `X="${token32}" Y='${pseudo(B62, 24, 24)}'`, `X="${M('high_entropy')}" Y='${M('high_entropy')}'`],
  // Deliberate: a 40-hex value assigned to a variable is masked even when it is a commit SHA.
  ['high_entropy', `COMMIT=${hex40} make release`, `COMMIT=${M('high_entropy')} make release`],
  ['high_entropy', `docker run -e SEED=${pseudo(B62 + '-_', 43, 25)} app`, `docker run -e SEED=${M('high_entropy')} app`],
  ['high_entropy', `curl "https://b.s3.amazonaws.com/f?X-Amz-Date=20240101T000000Z&X-Amz-Signature=${hex64}"`, `curl "https://b.s3.amazonaws.com/f?X-Amz-Date=20240101T000000Z&X-Amz-Signature=${M('high_entropy')}"`],
];

// Ordinary developer commands and text that must come out byte for byte.
const negatives: string[] = [
  'git commit -m "fix token parsing"',
  'grep -r password src/',
  'npm install jsonwebtoken',
  'export PATH=/usr/local/bin:$PATH',
  'echo $GITHUB_TOKEN',
  'echo ${GITHUB_TOKEN}',
  'ls -la',
  'docker run -p 8080:80 x',
  'ssh user@host',
  'https://github.com/a/b',
  'git clone git@github.com:org/repo.git',
  'scp build.tar.gz deploy@host:/tmp/',
  'curl http://localhost:3000/api/users?id=1',
  'curl -fsSL https://example.com/install.sh | sh',
  'git push -u origin main',
  'docker run -u 1000:1000 -v $PWD:/src image',
  'ssh -p 2222 user@host',
  'mysql -u root -p mydb',
  'mysql -h db -P 3306 -u root -p',
  'docker login --password-stdin registry.example.com',
  'export GITHUB_TOKEN=$(gh auth token)',
  'export NPM_TOKEN="${NPM_TOKEN}"',
  'curl -H "Authorization: Bearer $TOKEN" https://api.example.com',
  'curl -u "$USER:$PASS" https://x',
  'git clone https://oauth2:${CI_JOB_TOKEN}@gitlab.com/x/y.git',
  'NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}',
  'grep "Authorization: Bearer" access.log',
  'kubectl get secret my-secret -o yaml',
  'gh secret set DEPLOY_KEY < key.txt',
  'max_tokens: 100',
  'TOKENIZERS_PARALLELISM=false python train.py',
  'GIT_ASKPASS=/usr/bin/true git fetch',
  'PASSWORD_STORE_DIR=~/.password-store pass show x',
  'token_type: bearer',
  'GOOGLE_APPLICATION_CREDENTIALS=~/keys/sa.json gcloud auth list',
  'password = getpass.getpass()',
  'const token = await getToken();',
  'git config --global credential.helper store',
  'gh auth login --with-token < token.txt',
  'ansible-playbook site.yml --vault-password-file ~/.vault_pass',
  'export SECRET_NAME=prod/db TOKEN_URL=https://auth.example.com/oauth/token',
  '{"token_type":"Bearer","expires_in":3600}',
  'docker run -d -p 5432:5432 -e POSTGRES_PASSWORD postgres:16',
  'ssh -i ~/.ssh/id_ed25519 -L 8080:localhost:80 user@bastion',
  'def check(password: str) -> bool:',
  '{"password": null, "token": true}',
  'if [ "$TOKEN" == "" ]; then exit 1; fi',
  'pip install scikit-learn sk-video',
  'kubectl -n sk-prod-cluster-deployment-1 get pods',
  'echo "Enter password:"',
  'grep -rn -- "-----BEGIN RSA PRIVATE KEY-----" .',
  'npm run build -- --token-file ./token.txt',
  'python -m http.server 8000',
  'cargo build --release',
  'Already masked: [REDACTED:github_token] and password=[REDACTED:password]',
  '',
];

// Ordinary commands (issue 8): each must come out byte for byte. Near misses of the new rules on purpose:
// short-flag letters that are passwords only for some clients, netrc words, long values that are not random.
const ordinary: string[] = [
  'git commit -m "fix token parsing"',
  'git commit -m "machine learning: reset password flow"',
  'ssh -p 2222 host',
  'ls -p',
  'ls -a',
  'mkdir -p src/redact',
  'git add -p',
  'ps -p 1234 -o pid,cmd',
  'mysql -u root -p',
  'mysql -uroot -p -h db.internal',
  'psql -h localhost -p 5432 -U postgres',
  'redis-cli -h host -p 6379',
  'redis-cli -h host -p 6379 --askpass',
  'docker run -p 8080:80 nginx',
  'docker run --name mongo -p 27017:27017 -d mongo:7',
  'docker run -d --name redis -p 6379:6379 redis:7 redis-server --appendonly yes',
  'sshpass -f ~/.sshpw ssh -p 2222 user@host',
  'sshpass -e ssh -p 2222 user@host',
  'npm install --save-dev typescript',
  'kubectl get secrets',
  'kubectl describe secret db-creds -n prod',
  'export EDITOR=vim',
  'export NODE_ENV=production',
  'NODE_ENV=production node server.js',
  'tar -xzf a.tar.gz',
  'git log --pretty=format:%H',
  "python -c 'print(1)'",
  'curl -H "Accept: application/json" https://x',
  `git checkout ${hex40}`,
  `git show ${hex40}:src/cli.ts`,
  `git rebase -i ${hex40.slice(0, 12)}`,
  `docker pull node@sha256:${hex64}`,
  `docker run --rm node@sha256:${hex64} node -v`,
  'sha256sum file',
  'echo $GITHUB_TOKEN',
  'export PASSWORD="$(pass show db)"',
  'ldapsearch -x -b dc=x',
  'ldapsearch -x -W -D cn=admin,dc=example,dc=com -b dc=example,dc=com',
  'az login',
  'az login --use-device-code',
  'az account set --subscription 550e8400-e29b-41d4-a716-446655440000',
  'mongo --port 27017',
  'mongosh -u admin -p --authenticationDatabase admin',
  'grep -w main src/*.ts',
  'nc -w 3 example.com 80',
  'curl -w "%{http_code}" -o /dev/null https://example.com',
  'PATH=$PATH:/x',
  'export PATH=/usr/local/opt/gettext/bin:$PATH',
  'export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64',
  'export GOROOT=/Users/dev/workspace/cr/Advanced_software/golang',
  'TZ=America/Los_Angeles date',
  `export ARM_SUBSCRIPTION_ID=${uuid}`,
  `curl "https://api.example.com/items?id=${uuid}&page=2"`,
  'VERSION=v1.2.3-rc.1+build.20240101 make dist',
  'dd if=FreeBSD-13.1-RELEASE-amd64-memstick.img of=/dev/disk2 bs=1m',
  'pip install PyMuPDF-1.18.5-cp38-cp38-manylinux2010_x86_64.whl',
  'APP_NAME=MyApplicationName2024 CLUSTER=ProductionCluster01Primary ./deploy.sh',
  'IMAGE=ghcr.io/acme/app:1.2.3 docker compose up -d',
  'NODE_OPTIONS=--max-old-space-size=4096 npm run build',
  'docker run --mount type=bind,source=/home/dev/project,target=/app image',
  'export LS_COLORS="di=34:ln=35:so=32:pi=33"',
  'export GPG_TTY=$(tty)',
  'GIT_COMMITTER_DATE="2024-01-01T00:00:00Z" git commit --amend --no-edit',
  'export SOURCE_DATE_EPOCH=1700000000',
  'gpg --recv-keys 3AA5C34371567BD2',
  'openssl rand -hex 32',
  'ssh-keygen -t ed25519 -C "me@example.com"',
  'chmod 600 ~/.netrc && vim ~/.netrc',
  'echo "bob ALL=(ALL) NOPASSWD: ALL" | sudo tee /etc/sudoers.d/bob',
  'SSH_ASKPASS=/usr/bin/ksshaskpass SUDO_ASKPASS=/usr/bin/ssh-askpass git push',
  'BYPASS_CACHE=1 COMPASS_HOME=/opt/compass make',
  'export OLDPWD=/tmp PWD=/home/dev',
  'read -s -p "Password: " PW',
  'curl "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42"',
  'terraform plan -var env=prod -var region=eu-west-1',
  'aws s3 cp s3://bucket/path/to/key.json .',
  'find . -name "*.key" -o -name "*.pem"',
  'cat ~/.ssh/id_ed25519.pub',
  'pip install torch --index-url https://download.pytorch.org/whl/cu118',
  '<script src="x.js" integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"></script>',
  'npm config set registry https://registry.npmjs.org/',
  'python train.py --lr=3e-4 --batch-size=64 --run-name=baseline-2024-01-01',
  'telegram-desktop &',
  'open https://discord.com/channels/123456789012345678/123456789012345679',
  'key-value store benchmark: redis vs memcached',
  'export HISTSIZE=100000 SAVEHIST=100000',
  'for (let pass = 0; pass < MAX_PASSES; pass++) {',
  'the analysis is not a validation pass: valid JS source is always analyzed',
  `wget https://example.org/releases/app-3.0.8.tar.gz#md5=${hex40.slice(0, 32)}`,
  `SHA256SUM=${hex64} ./verify.sh`,
];

describe('redact: ordinary commands stay unchanged', () => {
  it('has at least 60 cases', () => expect(ordinary.length).toBeGreaterThanOrEqual(60));
  it.each(ordinary)('unchanged: %s', (input) => {
    expect(redact(input)).toEqual({ text: input, count: 0, kinds: [] });
  });
});

describe('redact: positives', () => {
  it.each(positives)('%s: %s', (kind, input, expected) => {
    const r = redact(input);
    expect(r.text).toBe(expected);
    expect(r.kinds).toContain(kind);
    expect(r.count).toBe(r.text.split('[REDACTED:').length - 1);
    expect(redactString(input)).toBe(expected);
  });

  it('has at least one positive case per pattern', () => {
    const covered = new Set(positives.map(([kind]) => kind));
    for (const p of SECRET_PATTERNS) expect(covered, p.name).toContain(p.name);
  });
});

describe('redact: negatives', () => {
  it.each(negatives)('unchanged: %s', (input) => {
    expect(redact(input)).toEqual({ text: input, count: 0, kinds: [] });
  });
});

describe('redact: behaviour', () => {
  it.each(positives)('is idempotent: %s: %s', (_kind, input) => {
    const once = redact(input);
    const twice = redact(once.text);
    expect(twice.text).toBe(once.text);
    expect(twice.count).toBe(0);
  });

  it('masks several secrets in one line, in order of appearance', () => {
    const line = `GITHUB_TOKEN=${ghp} curl -u bob:pw1 https://alice:pw2@example.com -H "Authorization: Bearer ${jwt}" --password pw3`;
    const r = redact(line);
    expect(r.text).toBe(
      `GITHUB_TOKEN=${M('github_token')} curl -u bob:${M('basic_auth')} https://alice:${M('url_credentials')}@example.com -H "Authorization: Bearer ${M('jwt')}" --password ${M('password_flag')}`,
    );
    expect(r.count).toBe(5);
    expect(r.kinds).toEqual(['github_token', 'basic_auth', 'url_credentials', 'jwt', 'password_flag']);
  });

  it('masks a secret once, not nested, when several patterns match it', () => {
    const r = redact(`export GITHUB_TOKEN=${ghp}`);
    expect(r).toEqual({ text: `export GITHUB_TOKEN=${M('github_token')}`, count: 1, kinds: ['github_token'] });
    const r2 = redact(`PASSWORD=prefix${ghp}`);
    expect(r2.count).toBe(1);
    expect(r2.text).toBe(`PASSWORD=${M('password')}`);
  });

  it('masks a multi-line PEM block among other lines', () => {
    const text = `cat > id_rsa <<EOF\n${pem('RSA ')}\nEOF\nchmod 600 id_rsa`;
    const r = redact(text);
    expect(r.text).toBe(`cat > id_rsa <<EOF\n-----BEGIN RSA PRIVATE KEY-----${M('private_key')}-----END RSA PRIVATE KEY-----\nEOF\nchmod 600 id_rsa`);
    expect(r.count).toBe(1);
    expect(r.text).not.toContain(pemBody.slice(0, 20));
  });

  it('keeps multi-line text outside secrets byte for byte', () => {
    const text = `line one\r\n\tDB_PASSWORD=hunter2\r\n  ünïcödé ✓ 🔑 ${awsKeyId}\n`;
    expect(redact(text).text).toBe(`line one\r\n\tDB_PASSWORD=${M('password')}\r\n  ünïcödé ✓ 🔑 ${M('aws_access_key_id')}\n`);
  });

  it('does not count already-masked text again', () => {
    const masked = `x ${M('github_token')} y ${M('url_credentials')}`;
    expect(redact(masked)).toEqual({ text: masked, count: 0, kinds: [] });
    const mixed = `${masked} token=${ghp}`;
    expect(redact(mixed)).toEqual({ text: `${masked} token=${M('github_token')}`, count: 1, kinds: ['github_token'] });
  });

  it('is idempotent on a mixed document', () => {
    const doc = positives.map(([, input]) => input).join('\n;\n') + '\n;\n' + negatives.join('\n');
    const once = redact(doc);
    expect(once.count).toBeGreaterThanOrEqual(positives.length);
    expect(redact(once.text)).toEqual({ text: once.text, count: 0, kinds: [] });
  });

  it('never throws on odd input', () => {
    for (const v of [undefined, null, 42, {}, '\u0000\ud800', '\\', '"', "'", '$', '://', '-----BEGIN PRIVATE KEY-----']) {
      expect(() => redact(v as string)).not.toThrow();
      expect(typeof redact(v as string).text).toBe('string');
    }
  });

  it('exports well-formed patterns', () => {
    const names = SECRET_PATTERNS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of SECRET_PATTERNS) {
      expect(p.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(p.regex.global).toBe(true);
      expect(p.description.length).toBeGreaterThan(0);
    }
  });
});

describe('high-entropy rule (looksRandom)', () => {
  const B64 = B62 + '+/';
  const B36 = 'abcdefghijklmnopqrstuvwxyz0123456789';
  // [family, alphabet, length, minimum share masked]; measured shares are in entropy.ts.
  const families: Array<[string, string, number, number]> = [
    ['hex-32', HEX, 32, 1],
    ['hex-40', HEX, 40, 1],
    ['base62-20', B62, 20, 0.9],
    ['base62-32', B62, 32, 0.97],
    ['base64-44', B64, 44, 0.93],
    ['base64url-43', B62 + '-_', 43, 0.93],
    ['base36-32', B36, 32, 0.6],
  ];
  it.each(families)('masks random %s values', (_name, alphabet, length, share) => {
    let hits = 0;
    for (let seed = 1; seed <= 500; seed++) if (looksRandom(pseudo(alphabet, length, seed * 7919))) hits++;
    expect(hits / 500).toBeGreaterThanOrEqual(share);
  });

  it.each([
    uuid,
    hex40.slice(0, 31),
    '0'.repeat(39) + '1',
    'FreeBSD-13.1-RELEASE-amd64-memstick.img',
    'PyMuPDF-1.18.5-cp38-cp38-manylinux2010_x86_64.whl',
    'node-v12.19.0-linux-x64',
    'MyApplicationName2024',
    'ProductionCluster01Primary',
    'feature/CNS_SOP1_WorkingOnX103RC8',
    'Desktop/D2YYB4eVYAE6KDq.jpg',
    'Snare-cgDViUGCtM8.mp3',
    'C89-FirstStepReVIEW-v2',
    'com.example.myapp.v2.release',
    '/usr/lib/jvm/java-17-openjdk-amd64',
    `~/${token32}`,
    `sha384-${Buffer.from(pseudo(B62, 48, 3)).toString('base64')}`,
    'AbCdEfGhIjKlMnOpQrStUvWxYz',
  ])('keeps %s', (value) => {
    expect(looksRandom(value)).toBe(false);
  });
});

describe('keyword prefilter', () => {
  const lists = [['ghp_', 'gho_'], undefined, ['private key'], ['-p', 'pass'], ['='], ['sk'], ['hvs.', 'hvb.']];
  const index = buildKeywordIndex(lists);
  const mask = new Uint32Array(index.words);
  const naive = (text: string): boolean[] => {
    const lower = text.toLowerCase();
    return lists.map((kws) => kws === undefined || kws.some((k) => lower.includes(k)));
  };
  const got = (text: string): boolean[] => {
    matchingPatterns(index, text, mask);
    return lists.map((_k, p) => (((mask[p >>> 5] ?? 0) >>> (p & 31)) & 1) === 1);
  };
  it.each([
    '',
    'ls -la',
    'export GITHUB_TOKEN=GHP_abc',
    '-----BEGIN RSA PRIVATE KEY-----',
    'PRIVATE KE',
    'sshpass -p x',
    'PaSs=1',
    'vault login HVS.x and hvb',
    'ghgho_ overlap ghp',
    'ünïcödé ✓ 🔑 sk',
    'a\u0000sk\u00ffhvs.',
    'ppprivate key',
    'ggho_',
  ])('agrees with a plain substring search: %j', (text) => {
    expect(got(text)).toEqual(naive(text));
  });

  it('handles more than 32 patterns (several mask words)', () => {
    const many = Array.from({ length: 70 }, (_v, i) => [`kw${i}x`]);
    const big = buildKeywordIndex(many);
    const m = new Uint32Array(big.words);
    matchingPatterns(big, 'run KW5X then kw33x and kw69x', m);
    const on = many.map((_k, p) => (((m[p >>> 5] ?? 0) >>> (p & 31)) & 1) === 1);
    expect(on.flatMap((v, i) => (v ? [i] : []))).toEqual([5, 33, 69]);
  });

  it('refuses keywords that are not lower-case ASCII', () => {
    expect(() => buildKeywordIndex([['Token']])).toThrow();
    expect(() => buildKeywordIndex([['clé']])).toThrow();
  });
});

describe('redactDeep', () => {
  it('redacts strings and secret-named keys in nested objects and arrays', () => {
    const input = {
      user: 'bob',
      password: 'hunter2',
      api_key: 123,
      nested: { apiToken: 'abc', list: [`export GITHUB_TOKEN=${ghp}`, 'plain', 7, null, true], token_type: 'bearer' },
      arr: [{ clientSecret: 'x1' }, [{ url: 'https://a:b@c.example' }]],
      max_tokens: 100,
      enabled: true,
      token: null,
    };
    const before = JSON.stringify(input);
    const { value, count } = redactDeep(input);
    expect(value).toEqual({
      user: 'bob',
      password: M('password'),
      api_key: M('secret'),
      nested: { apiToken: M('secret'), list: [`export GITHUB_TOKEN=${M('github_token')}`, 'plain', 7, null, true], token_type: 'bearer' },
      arr: [{ clientSecret: M('secret') }, [{ url: `https://a:${M('url_credentials')}@c.example` }]],
      max_tokens: 100,
      enabled: true,
      token: null,
    });
    expect(count).toBe(6);
    expect(JSON.stringify(input)).toBe(before); // input not modified
    expect(redactDeep(value)).toEqual({ value, count: 0 }); // idempotent
  });

  it('handles primitives, JSON "__proto__" keys, cycles and non-plain objects without throwing', () => {
    expect(redactDeep(`token=${ghp}`)).toEqual({ value: `token=${M('github_token')}`, count: 1 });
    expect(redactDeep(5)).toEqual({ value: 5, count: 0 });
    expect(redactDeep(null)).toEqual({ value: null, count: 0 });
    const parsed = JSON.parse('{"__proto__": {"password": "x"}}') as Record<string, unknown>;
    const out = redactDeep(parsed).value;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    const cyclic: Record<string, unknown> = { secret: 'abc' };
    cyclic.self = cyclic;
    const r = redactDeep(cyclic);
    expect(r.count).toBe(1);
    const d = new Date(0);
    expect(redactDeep({ d }).value.d).toBe(d);
  });

  it('masks header values by header name', () => {
    expect(redactDeep({ headers: { Authorization: 'Bearer abc123', Accept: 'application/json' } })).toEqual({
      value: { headers: { Authorization: M('secret'), Accept: 'application/json' } },
      count: 1,
    });
  });

  it('classifies key names', () => {
    expect(secretKeyKind('DB_PASSWORD')).toBe('password');
    expect(secretKeyKind('MYSQL_PWD')).toBe('password');
    expect(secretKeyKind('githubToken')).toBe('secret');
    expect(secretKeyKind('X-API-Key')).toBe('secret');
    expect(secretKeyKind('APIKEY')).toBe('secret');
    expect(secretKeyKind('PWD')).toBeUndefined();
    expect(secretKeyKind('max_tokens')).toBeUndefined();
    expect(secretKeyKind('tokenizer')).toBeUndefined();
    expect(secretKeyKind('SECRET_NAME')).toBeUndefined();
    expect(secretKeyKind('PASSWORD_FILE')).toBeUndefined();
    for (const k of ['PASS', 'PW', 'PASSWD', 'SSHPASS', 'DB_PASS', 'DB_PW', 'MYSQL_PWD', 'PGPASSWORD', 'rootPass', 'passcode']) {
      expect(secretKeyKind(k), k).toBe('password');
    }
    for (const k of ['private_key_id', 'SIGNINGKEY', 'LICENSE_KEY', 'hmacKey', 'DEPLOY_KEY']) expect(secretKeyKind(k), k).toBe('secret');
    for (const k of ['PWD', 'OLDPWD', 'GIT_ASKPASS', 'SSH_ASKPASS', 'BYPASS', 'COMPASS', 'NOPASSWD', 'client_id', 'KEY', 'storageKey', 'CipherKey', 'appKey']) {
      expect(secretKeyKind(k), k).toBeUndefined();
    }
  });
});

describe('redact: performance guard against catastrophic backtracking', () => {
  const N = 100_000;
  const fill = (unit: string): string => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
  const inputs: Array<[string, string]> = [
    ['a', fill('a')],
    ['=', fill('=')],
    ['eyJ', fill('eyJ')],
    ['eyJ.', fill('eyJa.')],
    ['password=', fill('password=')],
    ['token', fill('token')],
    ['a_', fill('a_')],
    ['a=', fill('a=')],
    ['"password": "', fill('"password": "')],
    ['--token ', fill('--token ')],
    ['--a-', fill('--a-')],
    ['curl -u a:', fill('curl -u a:')],
    ['mysql -p', fill('mysql -p')],
    ['sshpass ', fill('sshpass ')],
    ['https://a:', fill('https://a:')],
    ['a://a:a@', fill('a://a:a@')],
    ['@:', fill('@:')],
    ['BEGIN', fill('-----BEGIN RSA PRIVATE KEY-----\nA')],
    ['Authorization: ', fill('Authorization: ')],
    ['AKIA', fill('AKIA')],
    ['ghp_', fill('ghp_a')],
    ['sk-', fill('sk-a')],
    ['\\"', fill('password=\\"')],
    ['spaces', fill(' ')],
    ['newlines', fill('TOKEN=x\n')],
    ['x=A…', 'x=' + fill('A')],
    ['a=a=', fill('a=a=')],
    ['X=20 chars=', fill('X=abcdefghijklmnopqrst=')],
    ['X="', 'X="' + fill('a')],
    ['dotted', fill('a.b.c.')],
    ['machine login', fill('machine a login b ')],
    ['\\n netrc', fill('machine a\\nlogin b\\n')],
    ['password lines', fill('password x\n')],
    ['redis-cli -a', fill('redis-cli -a ')],
    ['digits:', fill('123456789:')],
    ['hvs.', fill('hvs.')],
    ['SG.', fill('SG.a')],
    ['sshpass -p x', 'sshpass ' + fill('-p x ')],
    ['mongo -p x ldapsearch -w y', fill('mongo -p x ldapsearch -w y ')],
    ['X=<1100 token chars>', fill('X=' + 'b'.repeat(1100) + ' ')],
    ['=<21 chars>', fill('=' + 'a'.repeat(21))],
  ];
  it.each(inputs)('100 KB of %s redacts in well under a second', (_name, input) => {
    const t0 = performance.now();
    const r = redact(input);
    const ms = performance.now() - t0;
    expect(typeof r.text).toBe('string');
    expect(ms).toBeLessThan(1000);
  });
});
