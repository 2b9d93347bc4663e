import * as engine from './index';

describe('engine index', () => {
  it('should export the whole text → features → model → artifact path', () => {
    const texts = ['win a free prize now', 'free cash prize, call now', 'see you at dinner', 'call me when home'];
    const y = Uint8Array.of(1, 1, 0, 0);
    const { vectorizer, matrix } = engine.fitTfidfVectorizer(texts, engine.DEFAULT_VECTORIZER_CONFIG);
    const model = engine.fitModel(
      'naive_bayes',
      matrix,
      y,
      { ...engine.DEFAULT_MODEL_PARAMS.naive_bayes, calibration: 'none' },
      { seed: 1 },
    );
    const artifact = engine.parseArtifact(
      engine.serializeArtifact(
        engine.createArtifact({
          vectorizer,
          model,
          metrics: {},
          training: { fingerprint: 'f', rows: 4, spam: 2, ham: 2, sources: ['t'] },
        }),
      ),
    );
    const pipeline = engine.pipelineFromArtifact(artifact);
    expect(pipeline).toBeInstanceOf(engine.SpamPipeline);
    expect(pipeline.classify('free prize').label).toBe(1);
    expect(engine.ARTIFACT_FORMAT).toBe('spam-classifier-model');
    expect(engine.SEED_VECTORIZER_CONFIG.maxFeatures).toBe(3000);
    expect(engine.NLTK_ENGLISH_STOP_WORDS).toHaveLength(179);
    expect(engine.WORD_TOKEN_PATTERN).toBe(String.raw`(?u)\b\w\w+\b`);
    expect(
      engine.analyzeToStrings(engine.createAnalyzer({ kind: 'seed', ngramRange: [1, 1] }), 'Running fast'),
    ).toEqual(['run', 'fast']);
    expect(() => engine.checkVectorizerConfig({})).toThrow(engine.VectorizerConfigError);
    expect([
      engine.SMOOTH_IDF,
      engine.SUBLINEAR_TF,
      engine.L2_NORM,
      engine.MAX_NGRAM,
      engine.DEFAULT_MAX_CHARS,
      engine.SPAM_THRESHOLD,
    ]).toHaveLength(6);
    expect(engine.ALGORITHMS).toContain('svm');
    expect(engine.tfidfVectorizerFromState(vectorizer.toState()).nFeatures).toBe(vectorizer.nFeatures);
    expect(engine.modelFromState(model.toState()).algorithm).toBe('naive_bayes');
    expect(new engine.ArtifactError('x')).toBeInstanceOf(Error);
    expect(engine.canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(typeof engine.readArtifactFile).toBe('function');
    expect(typeof engine.writeArtifactFile).toBe('function');
    expect(engine.MAX_ARTIFACT_BYTES).toBeGreaterThan(0);
  });
});
