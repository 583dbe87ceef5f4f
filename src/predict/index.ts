// mem's next-command prediction engine: the public surface for commands (`mem predict`,
// `mem graph`) and for the persisted store that implements PredictStats in SQL.
export { abstractArgs, fillArgs } from './args.js';
export { evaluate, evaluateFile, keyOf, type EvalOptions, type EvalResult, type FileResult, type Granularity, type Rates } from './eval.js';
export { BACK_WINDOW, candidates, SOURCE_LIMITS, type Candidate } from './features.js';
export { edgesToGraph, strongestTransitions, toDot, type TransitionEdge } from './graph.js';
export { pairKey, SESSION_GAP_MS, startsSession } from './keys.js';
export { CONTEXT_HALF_LIFE, DEFAULT_HALF_LIFE } from './decay.js';
export { MemoryStats, type TransitionGraph } from './memory-stats.js';
export { commandName, firstWord, normalize, shellWords } from './normalize.js';
export { Predictor, type LearningStats, type PredictorState, type PredictorWeights } from './predictor.js';
export { LEARNING_RATE, OnlineModel, probabilities, score, type ModelState } from './rank.js';
export * from './types.js';
export { DEFAULT_WEIGHTS, FEATURES, type FeatureName, type Weights } from './weights.js';
