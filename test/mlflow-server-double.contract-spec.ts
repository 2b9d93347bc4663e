import { MlflowServerDouble } from './doubles/mlflow-server';

/** The double answers as ../shared/notes/mlflow-rest.md records a real MLflow 2.17 server answering. */
describe(MlflowServerDouble.name, () => {
  let double: MlflowServerDouble;
  const api = (path: string) => `${double.url}/api/2.0/mlflow/${path}`;
  const post = (path: string, body: unknown, contentType = 'application/json') =>
    fetch(api(path), { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });

  beforeEach(async () => {
    double = await MlflowServerDouble.start();
  });
  afterEach(() => double.close());

  async function newRun(): Promise<{ run_id: string; artifact_uri: string }> {
    const { experiment_id } = (await (await post('experiments/create', { name: 'exp' })).json()) as {
      experiment_id: string;
    };
    const created = (await (await post('runs/create', { experiment_id, start_time: 1795783235633 })).json()) as {
      run: { info: { run_id: string; artifact_uri: string } };
    };
    return created.run.info;
  }

  it('should refuse a POST without a JSON content type', async () => {
    const response = await post('experiments/create', { name: 'x' }, 'text/plain');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: "Bad Request. Content-Type must be one of ['application/json'].",
    });
  });

  it('should read GET parameters from the query string only', async () => {
    const response = await fetch(api('experiments/get-by-name'), { method: 'GET' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/required parameter 'experiment_name'/);
    const ok = await fetch(api('experiments/get-by-name?experiment_name=Default'));
    expect(await ok.json()).toMatchObject({ experiment: { experiment_id: '0', name: 'Default' } });
  });

  it('should refuse DELETE registered-models/alias with query parameters', async () => {
    await post('registered-models/create', { name: 'm' });
    const response = await fetch(api('registered-models/alias?name=m&alias=champion'), { method: 'DELETE' });
    expect(response.status).toBe(400);
  });

  it('should answer duplicates with 400 RESOURCE_ALREADY_EXISTS and missing resources with 404', async () => {
    await post('experiments/create', { name: 'dup' });
    const duplicate = await post('experiments/create', { name: 'dup' });
    expect(duplicate.status).toBe(400);
    expect(await duplicate.json()).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
    const missing = await fetch(api(`runs/get?run_id=${'0'.repeat(32)}`));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('should need max_results on experiments/search', async () => {
    const response = await post('experiments/search', {});
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /Invalid value 0 for parameter 'max_results'/,
    );
  });

  it('should keep int64 fields as numbers and ids as strings, omitting unset fields', async () => {
    const run = await newRun();
    const body = (await (await fetch(api(`runs/get?run_id=${run.run_id}`))).json()) as {
      run: { info: Record<string, unknown>; data: Record<string, unknown> };
    };
    expect(body.run.info).toMatchObject({
      experiment_id: '1',
      start_time: 1795783235633,
      status: 'RUNNING',
      user_id: '',
    });
    expect(body.run.info.run_uuid).toBe(body.run.info.run_id);
    expect(body.run.info).not.toHaveProperty('end_time');
    expect(body.run.data).not.toHaveProperty('metrics');
    expect(body.run.data).not.toHaveProperty('params');
    expect(run.artifact_uri).toBe(`mlflow-artifacts:/1/${run.run_id}/artifacts`);
  });

  it('should refuse a changed param, accept the same value, and default a metric step to 0', async () => {
    const { run_id } = await newRun();
    expect(await (await post('runs/log-batch', { run_id, params: [{ key: 'lr', value: '0.01' }] })).json()).toEqual({});
    expect((await post('runs/log-batch', { run_id, params: [{ key: 'lr', value: '0.01' }] })).status).toBe(200);
    const changed = await post('runs/log-batch', { run_id, params: [{ key: 'lr', value: '0.02' }] });
    expect(changed.status).toBe(400);
    expect(((await changed.json()) as { message: string }).message).toMatch(/^Changing param values is not allowed/);
    await post('runs/log-batch', { run_id, metrics: [{ key: 'loss', value: 0.5, timestamp: 1 }] });
    const history = (await (await fetch(api(`metrics/get-history?run_id=${run_id}&metric_key=loss`))).json()) as {
      metrics: unknown[];
    };
    expect(history.metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }]);
  });

  it('should serve artifacts through the proxy: raw bytes, listings, 500 for a missing file', async () => {
    const { run_id } = await newRun();
    const base = `${double.url}/api/2.0/mlflow-artifacts/artifacts/1/${run_id}/artifacts`;
    const bytes = Buffer.from([0, 1, 2, 250, 251, 255]);
    expect(await (await fetch(`${base}/model/data/w.bin`, { method: 'PUT', body: bytes })).json()).toEqual({});
    await fetch(`${base}/model/model.json`, {
      method: 'PUT',
      body: '{"a":1}',
      headers: { 'content-type': 'text/plain' },
    });
    const binary = await fetch(`${base}/model/data/w.bin`);
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect(binary.headers.get('content-disposition')).toBe('attachment; filename=w.bin');
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(bytes);
    expect((await fetch(`${base}/model/model.json`)).headers.get('content-type')).toMatch(/^text\/plain/);
    const listing = await fetch(`${double.url}/api/2.0/mlflow-artifacts/artifacts?path=1/${run_id}/artifacts/model`);
    expect(await listing.json()).toEqual({
      files: [
        { path: 'data', is_dir: true },
        { path: 'model.json', is_dir: false, file_size: 7 },
      ],
    });
    const runListing = await fetch(api(`artifacts/list?run_id=${run_id}&path=model`));
    expect(await runListing.json()).toEqual({
      root_uri: `mlflow-artifacts:/1/${run_id}/artifacts`,
      files: [
        { path: 'model/data', is_dir: true },
        { path: 'model/model.json', is_dir: false, file_size: 7 },
      ],
    });
    const missing = await fetch(`${base}/nope.json`);
    expect(missing.status).toBe(500);
    expect(await missing.json()).toMatchObject({ error_code: 'INTERNAL_ERROR' });
  });

  it('should answer an unknown alias with 400 and an unknown route with an HTML 404', async () => {
    await post('registered-models/create', { name: 'm' });
    const alias = await fetch(api('registered-models/alias?name=m&alias=champion'));
    expect(alias.status).toBe(400);
    expect(await alias.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const unknown = await fetch(`${double.url}/api/2.0/mlflow/no/such/route`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await unknown.text()).toContain('<title>404 Not Found</title>');
  });

  it('should report versions with aliases and the registered model with its alias list', async () => {
    const { run_id } = await newRun();
    await post('registered-models/create', { name: 'spam-classifier' });
    const created = (await (
      await post('model-versions/create', {
        name: 'spam-classifier',
        source: `mlflow-artifacts:/1/${run_id}/artifacts/model`,
        run_id,
      })
    ).json()) as { model_version: Record<string, unknown> };
    expect(created.model_version).toMatchObject({ version: '1', status: 'READY', current_stage: 'None', run_link: '' });
    await post('registered-models/alias', { name: 'spam-classifier', alias: 'champion', version: '1' });
    const byAlias = (await (
      await fetch(api('registered-models/alias?name=spam-classifier&alias=champion'))
    ).json()) as {
      model_version: Record<string, unknown>;
    };
    expect(byAlias.model_version).toMatchObject({ version: '1', aliases: ['champion'] });
    const model = (await (await fetch(api('registered-models/get?name=spam-classifier'))).json()) as {
      registered_model: Record<string, unknown>;
    };
    expect(model.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    const reserved = await post('registered-models/alias', { name: 'spam-classifier', alias: 'latest', version: '1' });
    expect(reserved.status).toBe(400);
  });
});
