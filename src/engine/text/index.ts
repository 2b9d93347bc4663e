export { analyzeToStrings, createAnalyzer, type TermSink, type TextAnalyzer } from './analyzers';
export { NLTK_ENGLISH_STOP_WORDS, SKLEARN_ENGLISH_STOP_WORDS } from './stop-words';
export * from './text-semantics';
export { nltkTokenizeSentence, nltkWordTokenize, punktSentences } from './nltk-word-tokenizer';
