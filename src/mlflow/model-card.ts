import { CHANNELS, SPAM_THRESHOLD, type OperatingPoint } from '../engine';
import type { TrainingRunInput } from './run-input';

const percent = (share: number, digits = 3): string => `${Number((share * 100).toFixed(digits))} %`;

type PointRow = Pick<OperatingPoint, 'threshold' | 'maxFpRate' | 'cv'>;

function tableRow(name: string, point: PointRow): string {
  const cv = point.cv;
  const target = point.maxFpRate === null ? 'none' : `≤ ${percent(point.maxFpRate)}`;
  const figures = cv
    ? `${percent(cv.fpRate)} | ${cv.recall.toFixed(4)} | ${cv.precision.toFixed(4)} | ${cv.f1.toFixed(4)} | ${cv.fp} | ${cv.fn}`
    : '– | – | – | – | – | –';
  return `| ${name} | ${point.threshold} | ${target} | ${figures} |`;
}

/** The card's "Operating point" section: the threshold, what it was chosen for, its CV figures, each channel's own. */
export function operatingPointSection(point: OperatingPoint | undefined): string {
  if (!point) {
    return `- Threshold: ${SPAM_THRESHOLD} (default; this model has no operating point)\n`;
  }
  const channels = CHANNELS.filter((c) => point.channels?.[c]);
  const lines = [
    `- Threshold: ${point.threshold} (spam when the calibrated spam probability is ≥ ${percent(point.threshold, 2)})`,
    `- Target false-positive rate: ${point.maxFpRate === null ? 'none' : `at most ${percent(point.maxFpRate)}`}`,
    `- Chosen by: ${point.chosenBy}`,
  ];
  if (channels.length > 0) {
    lines.push(
      `- Per channel: ${channels.map((c) => `${c} ${point.channels![c]!.threshold}`).join(', ')}; a message of ` +
        "that channel is decided at its channel's threshold, others at the threshold above",
    );
  }
  if (point.cv || channels.length > 0) {
    lines.push(
      '',
      'Out-of-fold figures on the training rows at each threshold:',
      '',
      '| rows | threshold | target FP rate | FP rate | recall | precision | F1 | FP | FN |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      tableRow(channels.length > 0 ? 'all' : 'training', point),
      ...channels.map((c) => tableRow(c, point.channels![c]!)),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The threshold in a sentence: `0.73`, or `its channel's threshold (sms 0.62, email 0.913)`. */
function intendedThreshold(point: OperatingPoint | undefined): string {
  if (!point) return String(SPAM_THRESHOLD);
  const channels = CHANNELS.filter((c) => point.channels?.[c]);
  if (channels.length === 0) return String(point.threshold);
  return `its channel's threshold (${channels.map((c) => `${c} ${point.channels![c]!.threshold}`).join(', ')})`;
}

/** A short model card (Mitchell et al., 2019) in Markdown, uploaded beside the model. */
export function renderModelCard(input: {
  input: TrainingRunInput;
  params: Record<string, string>;
  primary: string | undefined;
  fingerprint: string;
  commit: string | undefined;
  buildNumber: string | undefined;
}): string {
  const { metadata } = input.input.artifact;
  const training = metadata.training;
  const pct = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(4));
  const rows = Object.entries(input.input.evaluation).map(
    ([set, e]) =>
      `| ${set} | ${e.n ?? e.tp + e.fp + e.tn + e.fn} | ${pct(e.accuracy)} | ${pct(e.precision)} | ${pct(e.recall)} | ${pct(e.f1)} | ${pct(e.mcc)} | ${pct(e.rocAuc)} | ${e.fp} | ${e.fn} |`,
  );
  const params = Object.entries(input.params)
    .map(([key, value]) => `- \`${key}\`: ${value.length > 120 ? `${value.slice(0, 117)}…` : value}`)
    .join('\n');
  return `# Model card: spam-classifier ${metadata.version}

## Model
- Algorithm: ${metadata.algorithm} on TF-IDF features
- Artifact version: ${metadata.version}${metadata.createdAt ? ` (created ${metadata.createdAt})` : ''}
- Git commit: ${input.commit ?? 'unknown'}; build: ${input.buildNumber ?? 'local'}
- Training time: ${input.input.durationMs > 0 ? `${(input.input.durationMs / 1000).toFixed(1)} s` : 'not recorded (registered from the serving model)'}

## Intended use
Flags unsolicited bulk email and SMS (spam = 1, ham = 0) for filtering or review. The probability is calibrated;
the label is spam at probability ≥ ${intendedThreshold(metadata.operatingPoint)} (the operating point below;
a request may give its own threshold). Not meant for phishing or malware verdicts on its own.

## Operating point
${operatingPointSection(metadata.operatingPoint)}
## Training data
- Rows: ${training.rows} (spam ${training.spam}, ham ${training.ham})
- Sources: ${training.sources.join(', ')}
- Data fingerprint: \`${input.fingerprint}\`

## Evaluation${input.primary ? ` (primary set: ${input.primary})` : ''}
At the operating point's threshold.

| set | rows | accuracy | precision | recall | F1 | MCC | ROC AUC | FP | FN |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

## Parameters
${params}

## Limitations
English-language corpora (SpamAssassin email, UCI SMS); other languages, new spam campaigns and very short
messages are classified less reliably. False positives (ham marked spam) are the costly error: promotion
requires them not to rise.
`;
}
