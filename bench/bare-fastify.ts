/**
 * The framework ceiling for `npm run bench:http`: bare fastify serving POST /api/v1/predictions with the same
 * engine, the same message reading (channel detection and raw email extraction), the same response mapping, the same
 * JSON schemas (strict Ajv, same body limit), the same request ids and the same prediction log line as the service,
 * and nothing else (no Nest, no helmet, no metrics, no rate limit).
 * Env: PORT, HOST, MODEL_PATH (required), WEB_CONCURRENCY, POD_NAME, LOG_TEXT_PREVIEW_CHARS, CLASSIFY_MAX_CHARS.
 */
import Fastify from 'fastify';
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  explainQuerySchema,
  predictionRequestSchema,
  predictionResponseSchema,
  type PredictionRequest,
} from '../src/classifier/dto/prediction.dto';
import { predictionLogLine } from '../src/classifier/prediction-log';
import { predictionResponse, type PredictionResult } from '../src/classifier/prediction-response';
import { EngineArtifactCodec } from '../src/classifier/engine-adapters';
import { readMessage, type MessageText } from '../src/engine';
import { createRootLogger } from '../src/http/logging';
import { REQUEST_ID_HEADER, requestIdFor } from '../src/http/request-id';

async function serve(): Promise<void> {
  const modelPath = process.env.MODEL_PATH;
  if (!modelPath) throw new Error('MODEL_PATH is required');
  const podName = process.env.POD_NAME ?? hostname();
  const previewChars = Number(process.env.LOG_TEXT_PREVIEW_CHARS ?? 0);
  const codec = new EngineArtifactCodec();
  const artifact = codec.parse(readFileSync(modelPath), modelPath);
  const classifier = codec.toClassifier(artifact, { maxChars: Number(process.env.CLASSIFY_MAX_CHARS ?? 20_000) });
  const model = { version: artifact.metadata.version, algorithm: artifact.metadata.algorithm };
  const log = createRootLogger('info', podName).child({ context: 'Prediction' });

  const app = Fastify({
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    bodyLimit: 1024 * 1024,
    genReqId: requestIdFor,
    requestIdHeader: false,
    logger: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.post<{ Body: PredictionRequest; Querystring: { explain?: string } }>(
    '/api/v1/predictions',
    {
      schema: {
        body: predictionRequestSchema,
        querystring: explainQuerySchema,
        response: { 200: predictionResponseSchema },
      },
    },
    (request) => {
      const started = performance.now();
      const { text, channel } = request.body;
      const answer = (message: MessageText): PredictionResult => {
        const result = predictionResponse(classifier.classify(message.text), message.channel, request.id, model);
        log.info(
          predictionLogLine({
            requestId: request.id,
            prediction: result.prediction,
            spamProbability: result.spam_probability,
            modelVersion: model.version,
            channel: result.channel,
            startedAt: started,
            text,
            previewChars,
          }),
          'prediction',
        );
        return result;
      };
      const message = readMessage(text, channel);
      return message instanceof Promise ? message.then(answer) : answer(message);
    },
  );
  await app.listen({ port: Number(process.env.PORT ?? 3001), host: process.env.HOST ?? '127.0.0.1' });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

const workers = Number(process.env.WEB_CONCURRENCY ?? 1);
if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 500).unref();
  });
} else {
  serve().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
