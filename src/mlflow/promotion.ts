import type { ModelVersionRecord, TrackingStore } from './tracking-store';
import { TrackingStoreError } from './tracking-store';

export const CHAMPION_ALIAS = 'champion';
export const CHALLENGER_ALIAS = 'challenger';

/** Version tags the gate writes; `champion.previous` is what a rollback returns to. */
export const GATE_TAGS = {
  decision: 'gate.decision',
  reason: 'gate.reason',
  comparedWith: 'gate.compared_with',
  decidedAt: 'gate.decided_at',
  previousChampion: 'champion.previous',
} as const;

/**
 * The candidate replaces the champion only when, on every evaluation set both were measured on,
 * F1(candidate) ≥ F1(champion) + minF1Gain and FP(candidate) ≤ FP(champion) + maxFpIncrease.
 */
export interface GateRule {
  minF1Gain: number;
  maxFpIncrease: number;
}

export const DEFAULT_GATE_RULE: GateRule = { minF1Gain: 0, maxFpIncrease: 0 };

/** Per evaluation set: F1, false positives and the set size (sets of different sizes are not the same set). */
export type EvaluationScores = Record<string, { f1: number; fp: number; n?: number }>;

/** How a version is scored on the fixed evaluation sets. Default: the metrics its training run logged. */
export type VersionScorer = (version: ModelVersionRecord) => Promise<EvaluationScores>;

/**
 * What serves when the registry names no champion (a model loaded from the model folder): the gate compares a
 * candidate with its figures instead of taking "no champion yet" as a win.
 */
export interface ServingBaseline {
  /** How the decision names it, e.g. `the serving model 20261127T140512Z-3f9a1c2b`. */
  readonly label: string;
  readonly scores: EvaluationScores;
}

export interface PromotionDecision {
  version: string;
  decision: 'champion' | 'challenger' | 'unchanged';
  reason: string;
  previousChampion?: string;
  candidate?: EvaluationScores;
  champion?: EvaluationScores;
}

/** Metric keys of one evaluation set as `logTrainingRun` writes them. */
export function evaluationMetricKey(set: string, metric: string): string {
  return `eval/${set}/${metric}`;
}

/** Reads `eval/<set>/f1_score`, `eval/<set>/fp` and `eval/<set>/n` from the version's training run. */
export function runMetricsScorer(store: TrackingStore): VersionScorer {
  return async (version) => {
    if (!version.runId)
      throw new TrackingStoreError('INVALID', `version ${version.version} has no training run to score`);
    const metrics = (await store.getRun(version.runId)).metrics;
    const scores: EvaluationScores = {};
    for (const [key, value] of Object.entries(metrics)) {
      const match = /^eval\/(.+)\/f1_score$/.exec(key);
      if (!match) continue;
      const fp = metrics[evaluationMetricKey(match[1], 'fp')];
      if (fp === undefined) continue;
      const n = metrics[evaluationMetricKey(match[1], 'n')];
      scores[match[1]] = { f1: value, fp, ...(n !== undefined ? { n } : {}) };
    }
    return scores;
  };
}

/** The gate's scores from figures per evaluation set (a run input's, or an artifact's `metadata.metrics.evaluation`). */
export function scoresOf(
  evaluation: Readonly<Record<string, { f1: number; fp: number; n?: number } | undefined>>,
): EvaluationScores {
  const scores: EvaluationScores = {};
  for (const [set, figures] of Object.entries(evaluation)) {
    if (!figures || !Number.isFinite(figures.f1) || !Number.isFinite(figures.fp)) continue;
    scores[set] = { f1: figures.f1, fp: figures.fp, ...(Number.isFinite(figures.n) ? { n: figures.n } : {}) };
  }
  return scores;
}

/** Applies the rule; a pure function so the CLI and tests can explain a decision. */
export function compareScores(
  candidate: EvaluationScores,
  champion: EvaluationScores,
  rule: GateRule = DEFAULT_GATE_RULE,
): { better: boolean; reason: string } {
  const sets = Object.keys(candidate).filter(
    (set) =>
      champion[set] &&
      (candidate[set].n === undefined || champion[set].n === undefined || candidate[set].n === champion[set].n),
  );
  if (sets.length === 0) {
    return { better: false, reason: 'no evaluation set in common with the champion, so it cannot be compared' };
  }
  const failures: string[] = [];
  const passes: string[] = [];
  for (const set of sets.sort()) {
    const c = candidate[set];
    const ch = champion[set];
    const f1Ok = c.f1 - ch.f1 >= rule.minF1Gain - 1e-12;
    const fpOk = c.fp - ch.fp <= rule.maxFpIncrease;
    const text = `${set}: F1 ${c.f1.toFixed(4)} vs ${ch.f1.toFixed(4)} (need ≥ +${rule.minF1Gain}), FP ${c.fp} vs ${ch.fp} (allowed +${rule.maxFpIncrease})`;
    (f1Ok && fpOk ? passes : failures).push(text);
  }
  return failures.length === 0
    ? { better: true, reason: `better on ${passes.join('; ')}` }
    : { better: false, reason: `not better on ${failures.join('; ')}` };
}

/**
 * The quality gate: the candidate takes `champion` if it beats the current champion, else `challenger`. With no
 * champion it must beat `baseline` (what serves) when one is given; only when nothing serves either does it win at
 * once. The decision and its reason are tags on the candidate version.
 */
export async function promoteIfBetter(
  store: TrackingStore,
  input: {
    modelName: string;
    version: string;
    rule?: GateRule;
    scorer?: VersionScorer;
    baseline?: ServingBaseline;
    now?: () => Date;
  },
): Promise<PromotionDecision> {
  const scorer = input.scorer ?? runMetricsScorer(store);
  const now = input.now ?? (() => new Date());
  const candidateVersion = await store.getModelVersion(input.modelName, input.version);
  const current = await store.getVersionByAlias(input.modelName, CHAMPION_ALIAS);
  if (current?.version === candidateVersion.version) {
    return { version: input.version, decision: 'unchanged', reason: `v${input.version} already is the champion` };
  }
  const candidate = await scorer(candidateVersion);
  let decision: PromotionDecision;
  if (!current && input.baseline) {
    const verdict = compareScores(candidate, input.baseline.scores, input.rule ?? DEFAULT_GATE_RULE);
    decision = {
      version: input.version,
      decision: verdict.better ? 'champion' : 'challenger',
      reason: `v${input.version} vs ${input.baseline.label} (no champion registered): ${verdict.reason}`,
      candidate,
      champion: input.baseline.scores,
    };
  } else if (!current) {
    decision = { version: input.version, decision: 'champion', reason: 'no champion yet', candidate };
  } else {
    const champion = await scorer(current);
    const verdict = compareScores(candidate, champion, input.rule ?? DEFAULT_GATE_RULE);
    decision = {
      version: input.version,
      decision: verdict.better ? 'champion' : 'challenger',
      reason: `v${input.version} vs champion v${current.version}: ${verdict.reason}`,
      previousChampion: current.version,
      candidate,
      champion,
    };
  }
  await tagDecision(store, input.modelName, input.version, decision, current?.version ?? 'none', now());
  if (decision.decision === 'champion') {
    await makeChampion(store, input.modelName, input.version, current?.version);
  } else {
    await store.setAlias(input.modelName, CHALLENGER_ALIAS, input.version);
  }
  return decision;
}

/** Promotion by hand, skipping the gate; recorded as such on the version. */
export async function promoteVersion(
  store: TrackingStore,
  input: { modelName: string; version: string; reason?: string; now?: () => Date },
): Promise<PromotionDecision> {
  await store.getModelVersion(input.modelName, input.version);
  const current = await store.getVersionByAlias(input.modelName, CHAMPION_ALIAS);
  if (current?.version === input.version) {
    return { version: input.version, decision: 'unchanged', reason: `v${input.version} already is the champion` };
  }
  const decision: PromotionDecision = {
    version: input.version,
    decision: 'champion',
    reason: `promoted by hand${input.reason ? `: ${input.reason}` : ''}`,
    ...(current ? { previousChampion: current.version } : {}),
  };
  await tagDecision(
    store,
    input.modelName,
    input.version,
    decision,
    current?.version ?? 'none',
    (input.now ?? (() => new Date()))(),
  );
  await makeChampion(store, input.modelName, input.version, current?.version);
  return decision;
}

/**
 * Makes `version` the champion when the registry has none, because it is what serves (the service registered the
 * model it loaded). Undefined, changing nothing, when a champion appeared meanwhile (another replica was first).
 */
export async function adoptServingAsChampion(
  store: TrackingStore,
  input: { modelName: string; version: string; reason: string; now?: () => Date },
): Promise<PromotionDecision | undefined> {
  if (await store.getVersionByAlias(input.modelName, CHAMPION_ALIAS)) return undefined;
  const decision: PromotionDecision = { version: input.version, decision: 'champion', reason: input.reason };
  await tagDecision(store, input.modelName, input.version, decision, 'none', (input.now ?? (() => new Date()))());
  await makeChampion(store, input.modelName, input.version, undefined);
  return decision;
}

/** Gives `champion` back to the version that held it before the current one. */
export async function rollbackChampion(
  store: TrackingStore,
  input: { modelName: string; now?: () => Date },
): Promise<PromotionDecision> {
  const current = await store.getVersionByAlias(input.modelName, CHAMPION_ALIAS);
  if (!current) throw new TrackingStoreError('NOT_FOUND', `${input.modelName} has no champion to roll back`);
  const previous = current.tags[GATE_TAGS.previousChampion];
  if (!previous || previous === 'none') {
    throw new TrackingStoreError('INVALID', `champion v${current.version} has no previous champion recorded`);
  }
  await store.getModelVersion(input.modelName, previous);
  const at = (input.now ?? (() => new Date()))().toISOString();
  await store.setAlias(input.modelName, CHAMPION_ALIAS, previous);
  await store.setModelVersionTag(input.modelName, current.version, GATE_TAGS.decision, 'rolled_back');
  await store.setModelVersionTag(
    input.modelName,
    current.version,
    GATE_TAGS.reason,
    `rolled back to v${previous} at ${at}`,
  );
  return {
    version: previous,
    decision: 'champion',
    reason: `rolled back from v${current.version}`,
    previousChampion: current.version,
  };
}

async function makeChampion(
  store: TrackingStore,
  modelName: string,
  version: string,
  previous: string | undefined,
): Promise<void> {
  await store.setModelVersionTag(modelName, version, GATE_TAGS.previousChampion, previous ?? 'none');
  await store.setAlias(modelName, CHAMPION_ALIAS, version);
  const challenger = await store.getVersionByAlias(modelName, CHALLENGER_ALIAS);
  if (challenger?.version === version) await store.deleteAlias(modelName, CHALLENGER_ALIAS);
}

async function tagDecision(
  store: TrackingStore,
  modelName: string,
  version: string,
  decision: PromotionDecision,
  comparedWith: string,
  at: Date,
): Promise<void> {
  await store.setModelVersionTag(modelName, version, GATE_TAGS.decision, decision.decision);
  await store.setModelVersionTag(modelName, version, GATE_TAGS.reason, decision.reason.slice(0, 8000));
  await store.setModelVersionTag(modelName, version, GATE_TAGS.comparedWith, comparedWith);
  await store.setModelVersionTag(modelName, version, GATE_TAGS.decidedAt, at.toISOString());
}
