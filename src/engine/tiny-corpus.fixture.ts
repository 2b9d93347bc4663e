import { fitTfidfVectorizer } from './features/tfidf-vectorizer';
import { DEFAULT_VECTORIZER_CONFIG } from './features/vectorizer-config';
import { fitModel } from './models';
import { SpamPipeline } from './pipeline';
import type { Algorithm } from './types';

/** A tiny labelled corpus and a pipeline fitted on it, for the engine's unit tests. */
export const SPAM = [
  'WINNER!! You have won a £1000 cash prize, call 09061701461 now to claim',
  'FREE entry to win a brand new mobile, text WIN to 80086',
  'URGENT! Your account has a prize waiting, claim your free reward now',
  'Congratulations, you won a free holiday! Call now to claim the prize',
  'Free ringtones! Text TONE to 87121 to get your free tones now',
  'You have been selected for a cash award, call our claims line now',
];
export const HAM = [
  'Hey, are we still on for dinner tonight?',
  'I will call you when I get home from work',
  'Can you pick up some milk on the way back?',
  'Sorry I missed your call, I was in a meeting',
  'Happy birthday! Hope you have a lovely day',
  'See you at the station at half past six',
];

export function fitTinyPipeline(algorithm: Algorithm = 'logistic_regression'): SpamPipeline {
  const texts = [...SPAM, ...HAM];
  const y = Uint8Array.from(texts, (_, i) => (i < SPAM.length ? 1 : 0));
  const { vectorizer, matrix } = fitTfidfVectorizer(texts, DEFAULT_VECTORIZER_CONFIG);
  const model = fitModel(algorithm, matrix, y, { C: 10, calibration: 'none' }, { seed: 1 });
  return new SpamPipeline(vectorizer, model);
}
