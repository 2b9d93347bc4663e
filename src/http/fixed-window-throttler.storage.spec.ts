import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

describe(FixedWindowThrottlerStorage.name, () => {
  let storage: FixedWindowThrottlerStorage;
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-27T12:00:00Z') });
    storage = new FixedWindowThrottlerStorage(1000);
  });
  afterEach(() => {
    storage.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('should count hits per client in a window and block past the limit until the block ends', async () => {
    for (let i = 1; i <= 3; i++)
      expect(await storage.increment('ip-a', 10_000, 3, 5_000, 'api')).toMatchObject({
        totalHits: i,
        isBlocked: false,
      });
    expect(await storage.increment('ip-a', 10_000, 3, 5_000, 'api')).toMatchObject({
      totalHits: 4,
      isBlocked: true,
      timeToBlockExpire: 5,
    });
    expect(await storage.increment('ip-b', 10_000, 3, 5_000, 'api')).toMatchObject({ totalHits: 1, isBlocked: false });
    jest.advanceTimersByTime(10_001);
    expect(await storage.increment('ip-a', 10_000, 3, 5_000, 'api')).toMatchObject({
      totalHits: 1,
      isBlocked: false,
      timeToExpire: 10,
    });
  });

  it('should forget idle clients', async () => {
    await storage.increment('ip-a', 1_000, 3, 0, 'api');
    expect(storage.size()).toBe(1);
    jest.advanceTimersByTime(2_500);
    expect(storage.size()).toBe(0);
  });
});
