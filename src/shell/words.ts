// The command name and subcommand of a command line, for stats ("git commit", "npm run").
// Leading environment assignments and wrappers (sudo, time, nohup, env) are skipped.

const WRAPPERS = new Set(['sudo', 'time', 'nohup', 'env', 'command', 'builtin', 'exec', 'nice', 'doas']);
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
  const words = line.trim().split(/\s+/);
  let i = 0;
  while (i < words.length - 1 && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!) || WRAPPERS.has(words[i]!))) i++;
  const name = (words[i] ?? '').replace(/^\\/, '');
  const next = words[i + 1] ?? '';
  const subcommand = WITH_SUBCOMMANDS.has(name) && /^[a-z][a-z0-9:_-]*$/.test(next) ? next : '';
  return { name, subcommand };
}
