// Prediction: the next command, the transition graph, workflows, teaching, evaluation.
import { act } from '../act.js';
import type { Program } from '../program.js';
import type { OptsOf, Parent } from './types.js';

const predict = (p: Program) =>
  p
    .command('predict')
    .description('the likely next commands, with confidence and the evidence for them')
    .option('--top-k <n>', 'how many predictions', '3')
    .option('--context <cmd...>', 'predict after these commands instead of your last ones')
    .option('--cwd <dir>', 'the directory to predict for (default: the current one)')
    .option('--session <id>', 'the shell session whose last commands are the context (default: $MEM_SESSION, else the latest)')
    .option('--author <name>', "predict from this author's own commands (an agent such as claude-code: agents' commands are kept out of yours)");
export type PredictOpts = OptsOf<typeof predict>;

const graph = (p: Program) => p.command('graph').description('the strongest transitions between commands').option('--top <n>', 'how many transitions', '30').option('--dot', 'write Graphviz DOT');
export type GraphOpts = OptsOf<typeof graph>;

const workflows = (p: Program) =>
  p
    .command('workflows')
    .description('recurring command sequences of 3+ steps, with their success rates')
    .option('--min-count <n>', 'seen at least this often', '3')
    .option('--cwd <dir>', 'only workflows run in this directory')
    .option('--limit <n>', 'at most this many', '20');
export type WorkflowsOpts = OptsOf<typeof workflows>;

const learn = (p: Program) =>
  p
    .command('learn')
    .description('teach command sequences: {"session_commands": [{"command": ...}], "session_outcome": "success"|"failure"} per line')
    .option('--from-json <file>', "the sequences ('-' for stdin)");
export type LearnOpts = OptsOf<typeof learn>;

const evalPredict = (e: Parent) =>
  e
    .command('predict <files...>')
    .description('replay histories through the predictor (test-then-train) and report top-1/top-k hit rates against two baselines')
    .option('--format <format>', 'auto, zsh, bash or plain (one command per line)', 'auto')
    .option('--granularity <g>', 'full (the exact line) or name (the command name)', 'full')
    .option('--k <n>', 'a hit at k: the true command is among the first k predictions', '3');
export type EvalPredictOpts = OptsOf<typeof evalPredict>;

export function registerPredict(program: Program): void {
  predict(program).action(act(() => import('../../commands/predict.js')));
  graph(program).action(act(() => import('../../commands/graph.js')));
  workflows(program).action(act(() => import('../../commands/workflows.js')));
  learn(program).action(act(() => import('../../commands/learn.js')));
  evalPredict(program.command('eval').description('measure mem against baselines')).action(act(() => import('../../commands/eval-predict.js')));
}
