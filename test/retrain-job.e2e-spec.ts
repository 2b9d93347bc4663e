import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { kubeConfigFor } from '../src/retraining/kubernetes-client';
import {
  KubernetesJobTrainingRunner,
  RUN_ID_LABEL,
  TRAINING_CLI,
} from '../src/retraining/kubernetes-job.runner';
import { Leadership } from '../src/retraining/lease-leader-election';
import { RetrainingService } from '../src/retraining/retraining.service';
import { KubernetesApiDouble, type KubernetesObject } from './doubles/kubernetes-api';
import { createTrainingTestApp, type TrainingTestApp } from './support/training-test-app';

const NAMESPACE = 'spam';

function jobModeEnv(pod: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TRAINING_MODE: 'job',
    TRAINING_JOB_IMAGE: 'registry.example/spam-classifier:1.2.3',
    TRAINING_JOB_CPU: '500m',
    TRAINING_JOB_MEMORY: '1Gi',
    TRAINING_JOB_POLL_MS: '50',
    KUBERNETES_SERVICE_HOST: '10.0.0.1',
    LEADER_ELECTION: 'true',
    POD_NAME: pod,
    POD_NAMESPACE: NAMESPACE,
    LEASE_DURATION_SECONDS: '3',
    LEASE_RENEW_DEADLINE_SECONDS: '2',
    LEASE_RETRY_SECONDS: '0.2',
    RETRAIN_MIN_NEW_FEEDBACK: '1',
    ...extra,
  };
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`${KubernetesJobTrainingRunner.name} (TRAINING_MODE=job) against the Kubernetes API double`, () => {
  let api: KubernetesApiDouble;
  let leader: TrainingTestApp;
  let app: NestFastifyApplication;
  /** What the fake Job controller does with the next Job: succeed or fail. */
  let nextJob: 'succeed' | 'fail' = 'succeed';

  beforeAll(async () => {
    api = new KubernetesApiDouble();
    await api.start();
    api.onJobCreated((job: KubernetesObject) => {
      const name = job.metadata.name!;
      const outcome = nextJob;
      setTimeout(() => api.setJobStatus(NAMESPACE, name, { active: 1, startTime: new Date().toISOString() }), 100);
      setTimeout(() => {
        if (outcome === 'succeed') {
          api.setJobStatus(NAMESPACE, name, { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] });
        } else {
          api.setJobStatus(NAMESPACE, name, {
            failed: 1,
            conditions: [
              {
                type: 'Failed',
                status: 'True',
                reason: 'BackoffLimitExceeded',
                message: 'Job has reached the specified backoff limit',
              },
            ],
          });
        }
      }, 400);
    });
    leader = await createTrainingTestApp(jobModeEnv('pod-a'), { kubeConfig: () => kubeConfigFor(api.url, api.token) });
    app = leader.app;
  }, 60_000);

  afterAll(async () => {
    await leader?.close();
    await api?.stop();
  }, 60_000);

  const runOf = (id: string) => async () =>
    (await app.inject({ method: 'GET', url: `/api/v1/training/runs/${id}`, headers: leader.admin })).json() as {
      state: string;
      result: Record<string, unknown> | null;
      reason: string | null;
      mode: string;
    };

  it('should hold the lease as the only replica', () => {
    expect(app.get(Leadership).state()).toEqual({ identity: 'pod-a', isLeader: true, leader: 'pod-a' });
    expect(api.lease(NAMESPACE, 'spam-classifier-trainer')?.spec?.holderIdentity).toBe('pod-a');
  });

  it('should create a Job running the training CLI of the image with the configured resources and follow it to success', async () => {
    nextJob = 'succeed';
    const started = await app.inject({
      method: 'POST',
      url: '/api/v1/training/runs',
      headers: leader.admin,
      payload: { force: true },
    });
    expect(started.statusCode).toBe(202);
    const { id } = started.json();
    const run = await waitFor(runOf(id), (r) => r.state === 'succeeded' || r.state === 'failed');
    expect(run.state).toBe('succeeded');
    expect(run.mode).toBe('job');

    const jobs = api.jobs(NAMESPACE).filter((j) => j.metadata.labels?.[RUN_ID_LABEL] === id);
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(run.result).toMatchObject({ job: `${NAMESPACE}/${job.metadata.name}` });
    const podSpec = (
      job.spec as { template: { spec: { containers: Array<Record<string, unknown>>; restartPolicy: string } } }
    ).template.spec;
    expect(podSpec.restartPolicy).toBe('Never');
    expect(podSpec.containers[0]).toMatchObject({
      image: 'registry.example/spam-classifier:1.2.3',
      command: ['node'],
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } },
    });
    const args = podSpec.containers[0].args as string[];
    expect(args[0]).toBe(TRAINING_CLI);
    expect(args).toEqual(
      expect.arrayContaining(['--register', '--promote', '--run-id', id, '--feedback-from-database']),
    );
    expect((job.spec as { backoffLimit: number }).backoffLimit).toBe(0);
  }, 60_000);

  it('should report a failed Job like a failed in-process run, with the reason', async () => {
    nextJob = 'fail';
    const started = await app.inject({
      method: 'POST',
      url: '/api/v1/training/runs',
      headers: leader.admin,
      payload: { force: true },
    });
    const run = await waitFor(runOf(started.json().id), (r) => r.state === 'succeeded' || r.state === 'failed');
    expect(run.state).toBe('failed');
    expect(run.reason).toMatch(
      /training Job spam\/spam-classifier-train-.+ failed: BackoffLimitExceeded: Job has reached the specified backoff limit/u,
    );
  }, 60_000);

  it('should answer 503 naming the leader on a replica that does not hold the lease, and start nothing', async () => {
    const follower = await createTrainingTestApp(jobModeEnv('pod-b'), {
      kubeConfig: () => kubeConfigFor(api.url, api.token),
    });
    try {
      const jobsBefore = api.jobs(NAMESPACE).length;
      expect(follower.app.get(Leadership).state()).toEqual({ identity: 'pod-b', isLeader: false, leader: 'pod-a' });
      const response = await follower.app.inject({
        method: 'POST',
        url: '/api/v1/training/runs',
        headers: follower.admin,
        payload: { force: true },
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().message).toBe(
        'this replica (pod-b) does not train: pod-a holds the training lease; nothing was started, send the request again',
      );
      expect(api.jobs(NAMESPACE)).toHaveLength(jobsBefore);
    } finally {
      await follower.close();
    }
  }, 60_000);

  it('should fire the cron only on the leader, and hand the lease over when the leader shuts down', async () => {
    const cron = { RETRAIN_CRON: '*/1 * * * * *' }; // every second (6 fields: seconds first)
    nextJob = 'succeed';
    const follower = await createTrainingTestApp(jobModeEnv('pod-c', cron), {
      kubeConfig: () => kubeConfigFor(api.url, api.token),
    });
    try {
      // pod-c's cron ticks every second but it does not lead: it must not start anything even with new labels.
      await follower.app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        payload: { text: 'new label for the cron', label: 'spam' },
      });
      await new Promise((r) => setTimeout(r, 2500));
      expect(await follower.app.get(RetrainingService).listRuns(10)).toEqual([]);

      await leader.close(); // releases the lease: holderIdentity cleared
      expect(api.lease(NAMESPACE, 'spam-classifier-trainer')?.spec?.holderIdentity).not.toBe('pod-a');
      await waitFor(async () => follower.app.get(Leadership).isLeader(), Boolean);
      const runs = await waitFor(
        () => follower.app.get(RetrainingService).listRuns(10),
        (list) => list.some((r) => r.trigger === 'cron' && r.state === 'succeeded'),
      );
      expect(runs.find((r) => r.trigger === 'cron')).toMatchObject({ forced: false, mode: 'job' });
    } finally {
      await follower.close();
    }
  }, 60_000);
});
