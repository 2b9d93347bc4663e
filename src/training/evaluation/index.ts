export * from './charts';
export * from './metrics';
export * from './stratified-split';
