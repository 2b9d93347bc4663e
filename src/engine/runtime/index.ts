export { moduleExtension, RUNNING_FROM_SOURCES, typescriptBootstrap } from './typescript-entry';
