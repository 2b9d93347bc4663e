/** Wire shapes of the MLflow 2.x REST API as a real 2.17 server sends them (int64 as numbers, ids as strings). */

export interface MlflowTag {
  key: string;
  value: string;
}

export interface MlflowParam {
  key: string;
  value: string;
}

export interface MlflowMetric {
  key: string;
  value: number;
  timestamp: number;
  step?: number;
}

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  last_update_time?: number;
  creation_time?: number;
  tags?: MlflowTag[];
}

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface MlflowRunInfo {
  run_id: string;
  run_uuid: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: MlflowRunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage?: string;
}

export interface MlflowRunData {
  metrics?: MlflowMetric[];
  params?: MlflowParam[];
  tags?: MlflowTag[];
}

export interface MlflowRun {
  info: MlflowRunInfo;
  data: MlflowRunData;
  inputs?: unknown;
}

export interface MlflowFileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export interface MlflowRegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  aliases?: Array<{ alias: string; version: string }>;
  latest_versions?: MlflowModelVersion[];
  tags?: MlflowTag[];
}

export type MlflowModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface MlflowModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  current_stage?: string;
  description?: string;
  source: string;
  run_id?: string;
  run_link?: string;
  status: MlflowModelVersionStatus;
  status_message?: string;
  tags?: MlflowTag[];
  aliases?: string[];
}
