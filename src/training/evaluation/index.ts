export * from './charts';
export * from './metrics';
export * from './random';
export * from './stratified-split';
