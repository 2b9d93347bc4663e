export {
  fitTfidfVectorizer,
  L2_NORM,
  SMOOTH_IDF,
  SUBLINEAR_TF,
  tfidfVectorizerFromState,
  type TfidfVectorizerState,
} from './tfidf-vectorizer';
export {
  checkVectorizerConfig,
  DEFAULT_VECTORIZER_CONFIG,
  MAX_NGRAM,
  SEED_VECTORIZER_CONFIG,
  VectorizerConfigError,
} from './vectorizer-config';
