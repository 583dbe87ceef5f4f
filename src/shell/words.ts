// The command name and subcommand of a command line, for stats ("git commit", "npm run").
// The name is found as the predictor finds it (wrappers and `FOO=1` skipped, quotes respected), so
// stats and predictions agree on what a command is.
import { commandHead } from '../predict/normalize.js';

const WITH_SUBCOMMANDS = new Set([
  'git', 'npm', 'npx', 'yarn', 'pnpm', 'bun', 'deno', 'node', 'docker', 'podman', 'kubectl', 'helm', 'cargo', 'go', 'rustup',
  'pip', 'pip3', 'python', 'python3', 'poetry', 'uv', 'conda', 'brew', 'apt', 'apt-get', 'dnf', 'yum', 'pacman', 'systemctl',
  'journalctl', 'gh', 'glab', 'make', 'terraform', 'tofu', 'ansible', 'mvn', 'gradle', 'dotnet', 'nix', 'aws', 'gcloud', 'az',
  'heroku', 'flyctl', 'vercel', 'hg', 'svn', 'bundle', 'rails', 'rake', 'mix', 'flutter', 'dart', 'composer', 'php',
  'tmux', 'ollama', 'mem', 'just', 'task', 'vagrant', 'minikube', 'kind', 'k9s', 'zypper', 'snap', 'flatpak', 'gem',
]);

export interface CommandWords {
  name: string;
  subcommand: string;
}

export function commandWords(line: string): CommandWords {
  const head = commandHead(line);
  const name = head.name.replace(/^\\/, ''); // `\git` bypasses an alias: still git
  const next = head.next;
  const subcommand = WITH_SUBCOMMANDS.has(name) && /^[a-z][a-z0-9:_-]*$/.test(next) ? next : '';
  return { name, subcommand };
}
