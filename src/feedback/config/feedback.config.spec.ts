import { join } from 'node:path';
import { InvalidEnvironmentError } from '../../config/read-environment';
import { FeedbackEnvironment, feedbackConfigFrom } from './feedback.config';

describe(FeedbackEnvironment.name, () => {
  it('should default to var/feedback.sqlite of the project and 262,144 characters per text', () => {
    const config = feedbackConfigFrom({});
    expect(config.dbPath).toBe(join(__dirname, '..', '..', '..', 'var', 'feedback.sqlite'));
    expect(config.maxTextChars).toBe(262_144);
  });

  it('should take FEEDBACK_DB_PATH as the file, else feedback.sqlite in FEEDBACK_DB_DIR', () => {
    expect(feedbackConfigFrom({ FEEDBACK_DB_DIR: '/data/feedback' }).dbPath).toBe('/data/feedback/feedback.sqlite');
    expect(feedbackConfigFrom({ FEEDBACK_DB_PATH: '/data/f.db', FEEDBACK_DB_DIR: '/other' }).dbPath).toBe('/data/f.db');
  });

  it('should refuse a text limit out of range, naming the key', () => {
    expect(() => feedbackConfigFrom({ FEEDBACK_MAX_TEXT_CHARS: '0' })).toThrow(InvalidEnvironmentError);
    expect(() => feedbackConfigFrom({ FEEDBACK_MAX_TEXT_CHARS: 'lots' })).toThrow(/FEEDBACK_MAX_TEXT_CHARS="lots"/u);
  });
});
