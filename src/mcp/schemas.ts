// Schema pieces several tools share: arguments (scope, paging) and the shapes of answers.
import { z } from 'zod';

/** An answer: its fields, and `truncated` when something was cut to keep it small. */
export const answer = <S extends z.ZodRawShape>(shape: S) =>
  z.object({ ...shape, truncated: z.boolean().optional().describe('true when the answer was cut short to stay small; ask for less or page on') });

export const text = (max: number) => z.string().max(max);
export const required = (max: number) => z.string().trim().min(1).max(max);

export const scopeArgs = {
  scope: required(500).optional().describe("the project namespace (default: $MEM_SCOPE, else the git root of the server's directory, else 'default')"),
  all_scopes: z.boolean().optional().describe('look in every scope'),
};

export const cursorArg = z.string().max(200).optional().describe('next_cursor of the page before, to continue');

/** A search hit as lists show it: enough to choose, `memory_get` for the whole memory. */
export const hit = z.object({
  id: z.string(),
  score: z.number().describe('0..1, comparable across queries: 0.6 semantic + 0.4 keyword (see the server instructions)'),
  keyword_score: z.number(),
  semantic_score: z.number(),
  kind: z.string(),
  title: z.string(),
  snippet: z.string(),
  tags: z.array(z.string()),
  success: z.boolean().nullable(),
  created_at: z.string(),
});

export const searchAnswer = answer({
  mode: z.enum(['hybrid', 'semantic', 'keyword']).describe('how the results were ranked (keyword when no embedding model is available)'),
  notice: z.string().nullable(),
  results: z.array(hit),
  next_cursor: z.string().nullable().describe('pass as cursor for the next results; null when there are no more'),
});

/**
 * Records of other capabilities pass through whole, as objects whose main fields are named and
 * checked; other fields are allowed. (Typed as the named fields only: the core's interfaces have
 * no index signature to match the loose object's.)
 */
export const loose = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape) as unknown as z.ZodObject<S>;

export const fixIssueArgs = {
  model: text(200).optional().describe("the model's name, e.g. llama3:8b (its family, before ':', shares history)"),
  issue_type: text(200).optional().describe('TIMEOUT, MODEL_NOT_AVAILABLE, UNEXPECTED_RESPONSE, NO_OUTPUT, ERROR, CUSTOM or your own'),
  test_prompt: text(50_000).optional().describe('the prompt that showed the issue'),
  actual_response: text(50_000).optional().describe("the model's answer (its length is part of the issue's signature)"),
  description: text(50_000).optional(),
};
