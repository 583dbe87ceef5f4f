// The starter knowledge base of `mem kb seed`: design patterns, best practices and common error
// resolutions, written for mem. Each entry has a stable key, so seeding again adds nothing.
import type { MemoryInput } from './input.js';

interface Entry {
  key: string;
  kind: 'code_pattern' | 'insight' | 'error';
  title: string;
  tags: string[];
  content: string;
  language?: string;
}

const E = (key: string, kind: Entry['kind'], title: string, tags: string[], content: string, language?: string): Entry => ({ key, kind, title, tags, content, language });

export const KB: readonly Entry[] = [
  // Design patterns
  E('pattern-singleton', 'code_pattern', 'Singleton: one shared instance, created lazily', ['design-pattern', 'python'],
    'Use a module-level instance or a cached factory function (functools.lru_cache on a zero-argument function) instead of overriding __new__. Keep construction side-effect free and make the instance replaceable in tests (pass it as a parameter, or reset the cache). Singletons hide dependencies: prefer passing the object explicitly when more than two modules need it.', 'python'),
  E('pattern-factory', 'code_pattern', 'Factory: choose the implementation from data', ['design-pattern'],
    'Map a key to a constructor in one registry dict ({"sqlite": SqliteStore, "postgres": PgStore}) and build through one create(kind, **options) function that raises a clear error for unknown kinds. Callers depend on the interface, tests register fakes, and adding a kind is one line.'),
  E('pattern-repository', 'code_pattern', 'Repository: keep SQL behind intent-named methods', ['design-pattern', 'database'],
    'Put every query for an aggregate behind one class with intent-named methods (find_open_orders(customer_id), save(order)). Business code never builds SQL; the repository owns transactions for multi-row writes, uses prepared statements, and is tested against a real database in a temp dir rather than mocked.'),
  E('pattern-async-context-manager', 'code_pattern', 'Async context manager for resources', ['design-pattern', 'python', 'asyncio'],
    'Wrap connections, sessions and locks in an async context manager (contextlib.asynccontextmanager or __aenter__/__aexit__) so they are released on every path, including cancellation: async with pool.acquire() as conn: ... Never leave cleanup to garbage collection in async code.', 'python'),
  // Best practices
  E('practice-error-handling', 'insight', 'Error handling: typed errors, one top-level handler', ['best-practice', 'errors'],
    'Raise specific exception types that carry what the caller needs (exit code, field, hint). Catch only what you can handle, at the boundary that can handle it; convert to a one-line user message in one top-level handler and keep stack traces for debug mode. Never swallow an exception silently except on a deliberately best-effort path, and log it there.'),
  E('practice-async-await', 'insight', 'async/await: never block the event loop', ['best-practice', 'asyncio', 'python'],
    'Do not call blocking I/O (requests, time.sleep, file reads of big files) inside async functions: use async libraries or run_in_executor. Give every network call a timeout (asyncio.wait_for or the client timeout). Start concurrent work with asyncio.gather or TaskGroup and handle their exceptions; an un-awaited task loses its error.', 'python'),
  E('practice-type-hints', 'insight', 'Type hints: annotate the boundaries, check in CI', ['best-practice', 'python', 'typing'],
    'Annotate public functions and data classes, use Optional[X] / X | None explicitly, prefer Protocols for duck-typed parameters, and run mypy or pyright in CI with strict settings on new code. Types document intent and catch None errors before runtime.', 'python'),
  // Python errors
  E('err-modulenotfound', 'error', "ModuleNotFoundError: No module named 'X'", ['python', 'import', 'dependencies'],
    "ModuleNotFoundError: No module named 'fastapi' (or any package): the package is not installed in the interpreter that runs the code. Fix: activate the project's virtualenv (source .venv/bin/activate) and pip install <package> (python -m pip install fastapi), or add it to requirements.txt / pyproject and reinstall. Check `which python` and `python -m pip --version` point at the same environment; in IDEs select the venv interpreter.", 'python'),
  E('err-typeerror-none', 'error', "TypeError: 'NoneType' object is not subscriptable / not callable", ['python', 'none'],
    "TypeError: 'NoneType' object is not subscriptable (or has no attribute, or is not callable): a value you expected is None, usually a function that returned nothing (missing return), a dict.get() or regex match that found nothing, or an in-place method (list.sort()) whose result was assigned. Fix: check the value before use (if x is None: ...), return explicitly, and type the function as Optional to let mypy flag it.", 'python'),
  E('err-asyncio-timeout', 'error', 'asyncio.TimeoutError / TimeoutError in asyncio.wait_for', ['python', 'asyncio', 'timeout'],
    'asyncio.TimeoutError raised by asyncio.wait_for or a client timeout: the awaited operation took longer than allowed. Fix: raise the timeout only if the work is legitimately slow; otherwise find the blocking call (a sync call inside async code blocks the loop), add retries with backoff for flaky network calls, and make sure the server side is reachable. Python 3.11+ raises the builtin TimeoutError.', 'python'),
  E('err-connection-refused', 'error', 'ConnectionRefusedError: [Errno 111] Connection refused (ECONNREFUSED)', ['network', 'python', 'node'],
    'ConnectionRefusedError / ECONNREFUSED: nothing is listening on that host and port. Fix: start the service (docker compose up, systemctl start), check the port and host (localhost vs 127.0.0.1 vs the container name inside Docker networks), wait for readiness before connecting (retry with backoff), and check firewalls. `ss -ltnp` shows what is listening.'),
  E('err-attributeerror', 'error', "AttributeError: 'X' object has no attribute 'y'", ['python'],
    "AttributeError: 'module' or object has no attribute: a typo, the wrong object type, a name shadowed by a local file (a file called requests.py shadows the requests package), or an API removed in a newer version of a library. Fix: print type(obj), check for shadowing files, and pin or update the library version.", 'python'),
  // git
  E('err-git-push-rejected', 'error', 'git push rejected: non-fast-forward / fetch first', ['git'],
    "! [rejected] main -> main (fetch first) / (non-fast-forward): the remote has commits you do not have. Fix: git pull --rebase (or git fetch && git rebase origin/main), resolve conflicts, then git push. Do not force-push shared branches; use git push --force-with-lease only on your own branch."),
  E('err-git-merge-conflict', 'error', 'git merge conflict: CONFLICT (content): Merge conflict in FILE', ['git'],
    'CONFLICT (content): Merge conflict in a file: both sides changed the same lines. Fix: open the files listed by git status, resolve the <<<<<<< ======= >>>>>>> sections, git add them, then git rebase --continue or git commit. git merge --abort / git rebase --abort returns to the state before.'),
  E('err-git-not-repo', 'error', 'fatal: not a git repository (or any of the parent directories): .git', ['git'],
    'fatal: not a git repository: the command ran outside a work tree. Fix: cd into the project, or git init / git clone first. In CI check the checkout step ran and the working directory is right.'),
  E('err-git-publickey', 'error', 'git@github.com: Permission denied (publickey)', ['git', 'ssh'],
    'Permission denied (publickey) when pushing or cloning over SSH: no key the server accepts is offered. Fix: ssh-keygen -t ed25519, add the public key to your Git host account, ssh-add the key (eval "$(ssh-agent -s)"), and test with ssh -T git@github.com. Or switch the remote to HTTPS with a token.'),
  E('err-git-detached-head', 'error', 'git: You are in detached HEAD state', ['git'],
    "You are in 'detached HEAD' state after checking out a commit or tag: new commits belong to no branch. Fix: git switch -c my-branch to keep the work on a new branch, or git switch main to go back."),
  // npm / node
  E('err-npm-eresolve', 'error', 'npm ERR! code ERESOLVE unable to resolve dependency tree', ['npm', 'node', 'dependencies'],
    'npm ERR! ERESOLVE could not resolve: two packages want incompatible peer dependency versions. Fix: upgrade the package that pins the old peer, align versions in package.json, or use overrides; --legacy-peer-deps installs anyway but hides the conflict. Delete node_modules and package-lock.json only as a last resort.'),
  E('err-npm-eacces', 'error', 'npm ERR! code EACCES permission denied (global install)', ['npm', 'node', 'permissions'],
    'npm ERR! EACCES: permission denied when installing globally: npm tries to write to a system directory. Fix: do not use sudo; set a user prefix (npm config set prefix ~/.local) and put ~/.local/bin on PATH, or use a Node version manager (nvm, fnm) that installs in your home.'),
  E('err-npm-enoent-package-json', 'error', "npm ERR! enoent Could not read package.json", ['npm', 'node'],
    "npm ERR! enoent ENOENT: no such file or directory, open '.../package.json': npm ran in a directory without a project. Fix: cd to the project root (where package.json is), or npm init -y to create one."),
  E('err-node-gyp', 'error', 'gyp ERR! build error (native module fails to compile)', ['npm', 'node', 'native'],
    'gyp ERR! build error / node-gyp rebuild failed while installing a native addon (better-sqlite3, bcrypt, sharp): no prebuilt binary for this Node version and no compiler toolchain. Fix: install python3, make and g++ (build-essential), use a Node version the package supports (LTS), then npm rebuild.'),
  E('err-node-cannot-find-module', 'error', "Error: Cannot find module 'X' (Node.js)", ['node', 'import', 'dependencies'],
    "Error: Cannot find module 'express' / ERR_MODULE_NOT_FOUND: the package is not installed or the path is wrong. Fix: npm install (or npm install express), check the import path and file extension (ESM needs './file.js'), and that the code runs from the project directory."),
  E('err-eaddrinuse', 'error', 'Error: listen EADDRINUSE: address already in use :::3000', ['node', 'network', 'port'],
    'EADDRINUSE: another process already listens on the port. Fix: find it with lsof -i :3000 or ss -ltnp | grep 3000 and stop it (often an earlier dev server), or start on another port (PORT=3001).'),
  // shell
  E('err-command-not-found', 'error', 'bash/zsh: command not found', ['shell'],
    'command not found: the program is not installed or not on PATH. Fix: install it (apt install, brew install, npm i -g), or add its directory to PATH in your shell rc file and open a new shell; check for typos; for a script in the current directory run ./script.'),
  E('err-permission-denied-exec', 'error', 'Permission denied when running a script', ['shell', 'permissions'],
    'bash: ./deploy.sh: Permission denied: the file is not executable (or on a noexec mount). Fix: chmod +x deploy.sh, or run it with bash deploy.sh; check the shebang line.'),
  E('err-no-such-file', 'error', 'No such file or directory', ['shell'],
    'No such file or directory: the path is wrong relative to the current directory, the file was not created yet, or a script has Windows line endings (bad interpreter: /bin/bash^M). Fix: check pwd and the path, use absolute paths in scripts and cron, and convert line endings with dos2unix.'),
  E('err-disk-full', 'error', 'No space left on device (ENOSPC)', ['shell', 'disk'],
    'No space left on device / ENOSPC: the disk or its inodes are full (or inotify watchers exhausted for ENOSPC in file watchers). Fix: df -h and df -i to see which, clean docker (docker system prune), caches and logs; for watchers raise fs.inotify.max_user_watches.'),
];

/** The seed entries as memory inputs; source `integration`, source_id `kb:<key>`. */
export function kbMemories(): MemoryInput[] {
  return KB.map((e) => ({
    kind: e.kind,
    content: e.content,
    title: e.title,
    tags: ['kb', ...e.tags],
    metadata: { kb: e.key },
    source: 'integration',
    source_id: `kb:${e.key}`,
    success: null,
    task_id: null,
    language: e.language ?? null,
  }));
}
