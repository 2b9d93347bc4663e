import { InvalidEnvironmentError } from '../../config/read-environment';
import { RetrainingEnvironment, retrainingConfigFrom } from './retraining.config';

describe(RetrainingEnvironment.name, () => {
  it('should default to a daily 03:00 retrain, worker mode and no election outside Kubernetes', () => {
    const config = retrainingConfigFrom({ POD_NAME: 'pod-1' });
    expect(config.retrainCron).toBe('0 3 * * *');
    expect(config.mode).toBe('worker');
    expect(config.retrainMinNewFeedback).toBe(50);
    expect(config.leaderElection).toMatchObject({
      enabled: false,
      identity: 'pod-1',
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
    });
  });

  it.each([[''], ['off'], ['disabled']])('should switch the schedule off with RETRAIN_CRON=%j', (value) => {
    expect(retrainingConfigFrom({ RETRAIN_CRON: value }).retrainCron).toBeUndefined();
  });

  it('should refuse a bad cron expression at start, naming the key and the problem', () => {
    expect(() => retrainingConfigFrom({ RETRAIN_CRON: '61 3 * * *' })).toThrow(InvalidEnvironmentError);
    expect(() => retrainingConfigFrom({ RETRAIN_CRON: '61 3 * * *' })).toThrow(
      /RETRAIN_CRON="61 3 \* \* \*": RETRAIN_CRON must be a cron expression .*out of range/u,
    );
    expect(() => retrainingConfigFrom({ RETRAIN_CRON: 'every day' })).toThrow(/RETRAIN_CRON=/u);
  });

  it('should list every bad key at once', () => {
    let error: InvalidEnvironmentError | undefined;
    try {
      retrainingConfigFrom({
        TRAINING_MODE: 'cluster',
        FEEDBACK_WEIGHT: '-1',
        TRAINING_JOB_CPU: 'lots',
        LEASE_NAME: 'Bad_Name',
      });
    } catch (e) {
      error = e as InvalidEnvironmentError;
    }
    expect(error?.problems.map((p) => p.split('=')[0]).sort()).toEqual([
      'FEEDBACK_WEIGHT',
      'LEASE_NAME',
      'TRAINING_JOB_CPU',
      'TRAINING_MODE',
    ]);
  });

  it('should elect through a Lease inside Kubernetes unless LEADER_ELECTION=false', () => {
    const inCluster = { KUBERNETES_SERVICE_HOST: '10.0.0.1', POD_NAMESPACE: 'spam', POD_NAME: 'p' };
    expect(retrainingConfigFrom(inCluster).leaderElection).toMatchObject({ enabled: true, namespace: 'spam' });
    expect(retrainingConfigFrom({ ...inCluster, LEADER_ELECTION: 'false' }).leaderElection.enabled).toBe(false);
    expect(retrainingConfigFrom({ ...inCluster, TRAINING_NAMESPACE: 'jobs' }).job.namespace).toBe('jobs');
  });

  it('should accept in-process and job modes and refuse a renew deadline not below the lease duration', () => {
    expect(retrainingConfigFrom({ TRAINING_MODE: 'job' }).mode).toBe('job');
    expect(retrainingConfigFrom({ TRAINING_MODE: 'in-process' }).mode).toBe('worker');
    expect(() => retrainingConfigFrom({ LEASE_DURATION_SECONDS: '10', LEASE_RENEW_DEADLINE_SECONDS: '10' })).toThrow(
      'LEASE_RENEW_DEADLINE_SECONDS="10": must be below LEASE_DURATION_SECONDS=10',
    );
  });
});
