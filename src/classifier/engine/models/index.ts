export { fitModel } from './fit-model';
export { modelFromState } from './model-state';
export { DEFAULT_MODEL_PARAMS, resolveModelParams } from './model-params';
export { LinearModel, type LinearModelState } from './linear-model';
export { RandomForestModel, type ForestModelState } from './random-forest';
export type { SigmoidCalibration } from './calibration';
