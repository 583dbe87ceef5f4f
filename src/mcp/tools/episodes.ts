// Episodes and learned-pattern feedback over MCP: an agent records a task as it works through it
// (start, events, end with the outcome), and says whether a learned pattern helped.
import { z } from 'zod';
import type { Episode } from '../../episodes/api.js';
import { answer, required, scopeArgs } from '../schemas.js';
import { tool, type Tool } from '../tool.js';

const json = z.record(z.string(), z.unknown());

/** An episode without its events (they can be many): the count says how many. */
const episodeSummary = z.object({
  episode_id: z.string(),
  task: z.string(),
  scope: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  success: z.boolean().nullable(),
  events: z.number().int(),
});
const summary = (e: Episode): z.input<typeof episodeSummary> => ({
  episode_id: e.id,
  task: e.task,
  scope: e.scope,
  started_at: e.started_at,
  ended_at: e.ended_at,
  success: e.success,
  events: e.events.length,
});

const episodeStart = tool({
  name: 'episode_start',
  title: 'Start an episode',
  description: 'Start recording a task as an episode; returns its id for episode_event and episode_end. Ended episodes are found again by task_context.',
  effect: 'write',
  input: z.strictObject({ task: required(5000).describe('the task, in words'), context: json.optional().describe('anything worth keeping about the start'), scope: scopeArgs.scope }),
  output: answer(episodeSummary.shape),
  run: (a, { mem }) => summary(mem.episodes.start(a.task, { context: a.context, scope: a.scope })),
});

const episodeEvent = tool({
  name: 'episode_event',
  title: 'Record a step of an episode',
  description: 'Record one step of an episode: a command run, a file changed, an error met (put the message in data.error), a decision.',
  effect: 'write',
  input: z.strictObject({
    episode_id: required(100),
    type: required(100).describe('e.g. command, edit, error, test, decision'),
    role: required(100).optional().describe('who acted, e.g. agent, user, tool'),
    data: json.optional(),
  }),
  output: answer({ episode_id: z.string(), event_id: z.number().int(), at: z.string(), type: z.string() }),
  run(a, { mem }) {
    const r = mem.episodes.event(a.episode_id, { type: a.type, role: a.role, data: a.data });
    return { episode_id: r.episode_id, event_id: r.event.id, at: r.event.at, type: r.event.type };
  },
});

const episodeEnd = tool({
  name: 'episode_end',
  title: 'End an episode',
  description: 'End an episode with its outcome; it is remembered as an experience memory (memory_id) that later searches and task_context find.',
  effect: 'write',
  input: z.strictObject({ episode_id: required(100), success: z.boolean(), metrics: json.optional() }),
  output: answer({ ...episodeSummary.shape, memory_id: z.string(), memory_created: z.boolean() }),
  run(a, { mem }) {
    const r = mem.episodes.end(a.episode_id, a.success, { metrics: a.metrics });
    return { ...summary(r.episode), memory_id: r.memory_id, memory_created: r.memory_created };
  },
});

const patternFeedback = tool({
  name: 'pattern_feedback',
  title: 'Feedback on a learned pattern',
  description: "Say whether a learned pattern (from task_context's matching_patterns) helped: its confidence moves up or down by adjust.",
  effect: 'write',
  input: z.strictObject({ pattern_id: required(100), helpful: z.boolean(), adjust: z.number().gt(0).max(1).optional().describe('how far to move the confidence (default 0.1)') }),
  output: answer({
    id: z.string(),
    description: z.string(),
    confidence: z.number(),
    feedback: z.object({ helpful: z.number().int(), not_helpful: z.number().int() }),
  }),
  run(a, { mem }) {
    const p = mem.patterns.feedback(a.pattern_id, a.helpful, a.adjust);
    return { id: p.id, description: p.description, confidence: p.confidence, feedback: p.feedback };
  },
});

export const episodeTools: Tool[] = [episodeStart, episodeEvent, episodeEnd, patternFeedback];
