/**
 * The engine's models, our own code (no ML library): multinomial naive Bayes, linear SVM and logistic regression
 * (liblinear's dual coordinate descent), a random forest of Gini trees on sparse rows, each with a Platt-calibrated
 * spam probability (k-fold out-of-fold decisions for the linear models, out-of-bag decisions for the forest).
 *
 *   fitModel(algorithm, X, y, params, { seed, sampleWeight? }) → TrainedModel
 *   modelFromState(JSON.parse(JSON.stringify(model.toState()))) → the same model, bit for bit
 */
export { fitModel, fitModelWithOutOfFold, type FittedWithOutOfFold } from './fit-model';
export { modelFromState } from './model-state';
export { DEFAULT_MODEL_PARAMS, resolveModelParams } from './model-params';
export { LinearModel, type LinearModelState } from './linear-model';
export { RandomForestModel, type ForestModelState } from './random-forest';
export { calibratedProbability, fitSigmoidCalibration, type SigmoidCalibration } from './calibration';
export { deriveSeed, randomInt, type RandomSource, seededRandom, shuffled, shuffleInPlace } from './seeded-random';
